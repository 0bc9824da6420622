/** @module Per-request web state: the session found by the guard, and page rendering with the right status. */
import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { AppEnv } from "../context.ts";
import type { WebSession } from "./session.ts";

const sessions = new WeakMap<Request, WebSession>();

export function rememberSession(c: Context<AppEnv>, session: WebSession): void {
  sessions.set(c.req.raw, session);
}

/** The signed-in session; only called behind the guard, which guarantees one. */
export function sessionOf(c: Context<AppEnv>): WebSession {
  const session = sessions.get(c.req.raw);
  if (!session) throw new Error("web page reached without the session guard");
  return session;
}

export function peekSession(c: Context<AppEnv>): WebSession | null {
  return sessions.get(c.req.raw) ?? null;
}

export type PageStatus = 200 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500;

export async function render(c: Context<AppEnv>, page: JSX.Element, status: PageStatus = 200) {
  const body = await page.toString();
  return c.html(`<!doctype html>${body}`, status);
}
