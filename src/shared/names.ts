/** @module Input rules for names, aliases, paths, digests and sizes, shared by Worker, SDK and CLI. */
import { z } from "zod";

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const VERSION_PATTERN = /^v(0|[1-9][0-9]*)$/;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const MAX_PATH_BYTES = 1024;
export const MAX_BLOB_SIZE = 5 * 1024 ** 4; // 5 TiB, R2's object limit
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
export const HAS_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
export const MANAGED_ALIASES = new Set(["latest"]);

export const nameSchema = z
  .string()
  .regex(
    NAME_PATTERN,
    "must start with a letter or digit and use only letters, digits, '.', '_' or '-' (≤128)",
  );

export const aliasSchema = nameSchema.refine((alias) => !/^v[0-9]+$/.test(alias), {
  message: "an alias may not look like a version number (v<digits>)",
});

export const sha256Schema = z.string().regex(SHA256_PATTERN, "must be 64 lowercase hex characters");
export const sizeSchema = z.number().int().min(0).max(MAX_BLOB_SIZE);

const encoder = new TextEncoder();

/** Returns why `path` is not an acceptable manifest path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return "path is empty";
  if (encoder.encode(path).length > MAX_PATH_BYTES)
    return `path is longer than ${MAX_PATH_BYTES} UTF-8 bytes`;
  if (HAS_CONTROL_CHARACTER.test(path)) return "path contains NUL or a control character";
  if (path.includes("\\")) return "path contains a backslash; use '/'";
  if (path.startsWith("/")) return "path must be relative (no leading '/')";
  if (/[\uD800-\uDFFF]/.test(path.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) {
    return "path contains an unpaired surrogate";
  }
  for (const segment of path.split("/")) {
    if (segment === "") return "path has an empty segment ('//' or a trailing '/')";
    if (segment === "." || segment === "..") return "path may not contain '.' or '..' segments";
  }
  return null;
}

export const pathSchema = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
