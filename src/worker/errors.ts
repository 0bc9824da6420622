/** @module The one API error class and the central error handler. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { codeToStatus, type ErrorBody, type ErrorCode } from "../shared/errors.ts";
import type { AppEnv } from "./context.ts";

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(codeToStatus(code) as ContentfulStatusCode, { message });
    this.code = code;
    this.details = details;
  }
}

export function errorBody(
  c: Context<AppEnv>,
  code: ErrorCode,
  message: string,
  details?: unknown,
): ErrorBody {
  return {
    error: {
      code,
      message,
      requestId: c.get("requestId") ?? "",
      ...(details === undefined ? {} : { details }),
    },
  };
}

/** Our errors as they are; Hono's by status; anything else logged and answered with a generic 500. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(c, err.code, err.message, err.details), codeToStatus(err.code));
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode =
      status === 413
        ? "payload_too_large"
        : status === 401
          ? "unauthorized"
          : status === 404
            ? "not_found"
            : "bad_request";
    return c.json(errorBody(c, code, err.message || "bad request"), codeToStatus(code));
  }
  console.error(JSON.stringify({ requestId: c.get("requestId"), error: String(err), stack: err.stack }));
  return c.json(
    errorBody(c, "internal", "internal error; the request id identifies it in the server logs"),
    500,
  );
}

export function notFound(what: string): ApiError {
  return new ApiError("not_found", `${what} not found`);
}
