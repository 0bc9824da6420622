/** @module Test helpers for the web UI: form posts with cookies, and signing in as a browser would. */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ORIGIN = "http://127.0.0.1:8787";

export async function web(
  method: string,
  path: string,
  options: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }),
  );
}

export function cookiesOf(response: Response): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair?.indexOf("=") ?? -1;
    if (pair && eq > 0) jar[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return jar;
}

export function hiddenCsrf(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

/** Signs in through the form, as a browser would; returns the session cookie and the page's CSRF token. */
export async function signIn(key: string, team: string): Promise<{ cookie: string; csrf: string }> {
  const form = await web("GET", "/login");
  const loginCsrf = hiddenCsrf(await form.text());
  const loginCookie = `cairn_login_csrf=${cookiesOf(form).cairn_login_csrf}`;
  const res = await web("POST", "/login", { cookie: loginCookie, form: { _csrf: loginCsrf, key, next: "" } });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe(`/t/${team}`);
  const cookie = `cairn_session=${cookiesOf(res).cairn_session}`;
  const page = await web("GET", `/t/${team}`, { cookie });
  expect(page.status).toBe(200);
  return { cookie, csrf: hiddenCsrf(await page.text()) };
}
