/** @module Test helpers: requests through the real Worker, and a fresh team with keys for each test. */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ADMIN_TOKEN = "test-admin-token";

export interface TestTeam {
  team: string;
  admin: string;
  writer: string;
  reader: string;
}

export async function api(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  return exports.default.fetch(new Request(`http://cairn.test/api/v1${path}`, { method, headers, body }));
}

/** Sends a request and returns its JSON after checking the status. */
export async function call<T = any>(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; status?: number } = {},
): Promise<T> {
  const response = await api(method, path, options);
  const text = await response.text();
  expect(response.status, `${method} ${path} → ${text.slice(0, 500)}`).toBe(options.status ?? 200);
  return JSON.parse(text) as T;
}

let counter = 0;

/** A new team with an admin, a writer and a reader key, and a project `p`. */
export async function newTeam(prefix = "t"): Promise<TestTeam> {
  const team = `${prefix}-${Date.now().toString(36)}-${counter++}`;
  await call("POST", "/teams", { key: ADMIN_TOKEN, body: { name: team }, status: 201 });
  const keys: Record<string, string> = {};
  for (const role of ["admin", "writer", "reader"]) {
    const res = await call("POST", `/teams/${team}/keys`, {
      key: ADMIN_TOKEN,
      body: { name: role, role },
      status: 201,
    });
    keys[role] = res.key.key;
  }
  await call("POST", `/teams/${team}/projects`, { key: keys.admin, body: { name: "p" }, status: 201 });
  return { team, admin: keys.admin ?? "", writer: keys.writer ?? "", reader: keys.reader ?? "" };
}

export { env };
