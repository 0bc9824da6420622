/**
 * @module Reading web form posts (application/x-www-form-urlencoded): bounded size, then the origin and CSRF
 * checks, then zod validation through the same `validate` the API uses. The only way web POSTs read input.
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { validate } from "../http.ts";
import { CSRF_FIELD, csrfMatches, originAllowed, type WebSession } from "./session.ts";

export const FORM_LIMIT = 256 * 1024;

/** Fields of a urlencoded form, read up to FORM_LIMIT bytes. */
export async function readFormFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "post the form as application/x-www-form-urlencoded");
  }
  if (Number(c.req.header("content-length") ?? "0") > FORM_LIMIT) {
    throw new ApiError("payload_too_large", `the form is larger than ${FORM_LIMIT} bytes`);
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(await readBounded(c.req.raw))) fields[name] = value;
  return fields;
}

/** The body as text, never reading past FORM_LIMIT (a chunked body has no length to check up front). */
async function readBounded(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > FORM_LIMIT) {
      await reader.cancel();
      throw new ApiError("payload_too_large", `the form is larger than ${FORM_LIMIT} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * A writer's form post: same origin, the session's CSRF token, then the schema. A forged post (another
 * origin, no token, a wrong token) is refused with 403 before anything else is looked at.
 */
export async function readSessionForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  session: WebSession,
  schema: S,
): Promise<z.output<S>> {
  if (!originAllowed(c)) throw new ApiError("forbidden", "cross-origin form posts are refused");
  const fields = await readFormFields(c);
  if (!csrfMatches(session, fields[CSRF_FIELD])) {
    throw new ApiError(
      "forbidden",
      "the form's security token is missing or stale; reload the page and retry",
    );
  }
  return validate(schema, fields, "form");
}
