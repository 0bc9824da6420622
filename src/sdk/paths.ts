/** @module Where the SDK keeps its files: XDG config and cache directories. */
import os from "node:os";
import path from "node:path";

/**
 * The directory of `config.json`: `$XDG_CONFIG_HOME/cairn`, or `~/.config/cairn`.
 *
 * @example
 * ```ts
 * import { configDir } from "cairn";
 * console.log(configDir()); // "/home/me/.config/cairn"
 * ```
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "cairn");
}

/**
 * The SDK's cache root: `$XDG_CACHE_HOME/cairn`, or `~/.cache/cairn`. It holds `checksums/`
 * (file hashes), `uploads/` (multipart resume files) and `blobs/` (downloaded content by sha256).
 *
 * @example
 * ```ts
 * import { cacheDir } from "cairn";
 * console.log(cacheDir()); // "/home/me/.cache/cairn"
 * ```
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "cairn");
}
