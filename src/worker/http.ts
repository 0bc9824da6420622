/** @module Reading and validating request bodies and queries: one place for 413, 415, invalid JSON and zod failures. */
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const LARGE_BODY_LIMIT = 32 * 1024 * 1024;
const MAX_JSON_DEPTH = 64;

/** Reads a JSON body of at most `limit` bytes and validates it. Nothing is read past the limit. */
export async function readJson<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  limit = DEFAULT_BODY_LIMIT,
): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(
      "unsupported_media_type",
      "send the body as JSON with 'Content-Type: application/json'",
    );
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const text = await readTextWithin(c.req.raw, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "the request body is not valid JSON");
  }
  if (depthOf(value) > MAX_JSON_DEPTH) {
    throw new ApiError("validation_failed", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return validate(schema, value, "body");
}

/** Validates a query string (or any plain value) against a schema. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    const first = issues[0];
    const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "invalid input";
    throw new ApiError("validation_failed", `invalid ${where}: ${summary}`, { issues: issues.slice(0, 20) });
  }
  return result.data;
}

export function readQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  return validate(schema, c.req.query(), "query");
}

function tooLarge(limit: number): ApiError {
  return new ApiError(
    "payload_too_large",
    `the request body is larger than ${limit} bytes; send it in smaller batches`,
  );
}

async function readTextWithin(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Depth of a parsed JSON value, iteratively (a hostile body must not overflow the stack). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== "object") continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}
