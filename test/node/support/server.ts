/**
 * @module The local server started by test/node/global-setup.ts, for Node tests: its URL and keys,
 * a JSON request helper, and a fresh team per test (tests never share mutable ids).
 */
import { expect, inject } from "vitest";
import type { CairnTestServer } from "../global-setup.ts";

export type { CairnTestServer };

/** URL, local API key (team `local`) and admin token of the running `wrangler dev`. */
export function server(): CairnTestServer {
  return inject("cairn");
}

/** Sends a JSON request to `/api/v1<path>` and returns the parsed body after checking the status. */
export async function callApi<T = unknown>(
  method: string,
  apiPath: string,
  options: { key?: string; body?: unknown; status?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server().url}/api/v1${apiPath}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  expect(response.status, `${method} ${apiPath} → ${text.slice(0, 500)}`).toBe(options.status ?? 200);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface NodeTestTeam {
  team: string;
  admin: string;
  writer: string;
  reader: string;
}

let counter = 0;

/** A new team with admin, writer and reader keys and a project `p`, created through the admin token. */
export async function newTeam(prefix = "n"): Promise<NodeTestTeam> {
  const { adminToken } = server();
  const team = `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter++}`;
  await callApi("POST", "/teams", { key: adminToken, body: { name: team }, status: 201 });
  const keys: Record<string, string> = {};
  for (const role of ["admin", "writer", "reader"]) {
    const res = await callApi<{ key: { key: string } }>("POST", `/teams/${team}/keys`, {
      key: adminToken,
      body: { name: role, role },
      status: 201,
    });
    keys[role] = res.key.key;
  }
  await callApi("POST", `/teams/${team}/projects`, { key: keys.admin, body: { name: "p" }, status: 201 });
  return { team, admin: keys.admin ?? "", writer: keys.writer ?? "", reader: keys.reader ?? "" };
}
