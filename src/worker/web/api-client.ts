/**
 * @module The web pages' access to data: the app's own API routes, dispatched in-process with the session's
 * key. The pages therefore run exactly the queries, authorisation (another team → 404) and validation the
 * API runs, and never re-implement them.
 */
import type { Context } from "hono";
import type { ErrorCode } from "../../shared/errors.ts";
import { createApp } from "../app.ts";
import type { AppEnv } from "../context.ts";

/** An API answer that was not 2xx, with the API's own error code and message. */
export class WebApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "unknown";
  readonly details: unknown;

  constructor(status: number, code: ErrorCode | "unknown", message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let app: ReturnType<typeof createApp> | undefined;

function internalApp() {
  // Created on first use: app.ts imports the web routes, so this module cannot build it at load time.
  app ??= createApp();
  return app;
}

type FetchContext = Parameters<ReturnType<typeof createApp>["fetch"]>[2];

function executionContext(c: Context<AppEnv>): FetchContext {
  try {
    return c.executionCtx as FetchContext;
  } catch {
    return undefined;
  }
}

export interface ApiCallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Calls `/api/v1<path>` with the session's key; resolves with the JSON body or throws WebApiError. */
export async function apiCall<T>(
  c: Context<AppEnv>,
  apiKey: string,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<T> {
  const url = new URL(`/api/v1${path}`, c.req.url);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  const cfRay = c.get("requestId");
  if (cfRay) headers["cf-ray"] = cfRay;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await internalApp().fetch(
    new Request(url, { method, headers, body }),
    c.env,
    executionContext(c),
  );
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebApiError(response.status, "unknown", `unexpected answer from ${method} ${path}`);
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: ErrorCode; message?: string; details?: unknown } }).error;
    throw new WebApiError(
      response.status,
      error?.code ?? "unknown",
      error?.message ?? "request failed",
      error?.details,
    );
  }
  return json as T;
}

/** Path segment encoding for names that came from the URL or the API. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
