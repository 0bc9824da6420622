/** @module The closed set of API error codes, their HTTP statuses and the one error body shape. */

export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "invalid_json",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "type_mismatch",
  "alias_conflict",
  "alias_in_use",
  "path_conflict",
  "digest_mismatch",
  "blob_missing",
  "page_missing",
  "payload_too_large",
  "unsupported_media_type",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Exhaustive: adding a code without a status is a type error. */
export function codeToStatus(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 {
  switch (code) {
    case "bad_request":
    case "validation_failed":
    case "invalid_json":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "conflict":
    case "type_mismatch":
    case "alias_conflict":
    case "alias_in_use":
    case "path_conflict":
      return 409;
    case "payload_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "digest_mismatch":
    case "blob_missing":
    case "page_missing":
      return 422;
    case "internal":
      return 500;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown };
}
