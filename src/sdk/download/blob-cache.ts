/**
 * @module The local content-addressed cache: `$XDG_CACHE_HOME/cairn/blobs/<sha[0..2]>/<sha>`. Filled by
 * downloads, hard-linked into targets when the filesystem allows (copied otherwise), trimmed least
 * recently used first. Cached files are read-only, and so are targets linked to them. Recency lives in `blobs/lru.json`, not in the files' mtimes: a file's mtime is
 * part of its checksum-cache key, and hard-linked targets share it.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { ChecksumCache } from "../checksum-cache.ts";
import { errnoCode, isRecord, readJsonIfPresent, writeJsonAtomic } from "../fs-util.ts";

/** A hidden temporary name next to `target`, so the final rename stays on one filesystem. */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString("hex")}.cairn-tmp`,
  );
}

/**
 * Places `source` at `target` atomically: a hard link (or a copy when linking fails, e.g. across
 * filesystems) under a temporary name, then a rename over the target.
 */
export async function linkOrCopy(source: string, target: string): Promise<"link" | "copy"> {
  const tmp = tempPathFor(target);
  let how: "link" | "copy" = "link";
  try {
    await fs.link(source, tmp);
  } catch {
    how = "copy";
    await fs.copyFile(source, tmp);
  }
  try {
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  return how;
}

export class BlobCache {
  readonly root: string;
  readonly #checksums: ChecksumCache;
  readonly #used = new Map<string, number>();

  constructor(cacheRoot: string, checksums: ChecksumCache) {
    this.root = path.join(cacheRoot, "blobs");
    this.#checksums = checksums;
  }

  pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * The cached file for this content, or undefined. A cached file whose stat no longer matches its
   * checksum record (someone wrote through a hard link) is re-hashed, and dropped when it is wrong.
   */
  async lookup(sha256: string, size: number): Promise<string | undefined> {
    const file = this.pathOf(sha256);
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(file);
    } catch {
      return undefined;
    }
    if (stat.size !== size || (await this.#checksums.sha256(file, stat)) !== sha256) {
      this.#checksums.forget(file);
      await fs.rm(file, { force: true });
      return undefined;
    }
    this.#used.set(sha256, Date.now());
    return file;
  }

  /** Adds a verified file to the cache by hard link (copy across filesystems); errors only cost the cache. */
  async store(verifiedFile: string, sha256: string): Promise<void> {
    const file = this.pathOf(sha256);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      try {
        await fs.link(verifiedFile, file);
      } catch (error) {
        if (errnoCode(error) === "EEXIST") return;
        await linkOrCopy(verifiedFile, file);
      }
      // Read-only: a target hard-linked to this file shares it, and writing through it would change
      // the cached content (and its twins). Tools that replace files (write + rename) are unaffected.
      await fs.chmod(file, 0o444);
      const stat = await fs.stat(file);
      this.#checksums.record(file, stat, sha256, trustedAt(stat.mtimeMs));
      this.#used.set(sha256, Date.now());
    } catch {
      // The cache is an optimisation: a full disk or a read-only cache must not fail the download.
    }
  }

  /** Writes the recency of the blobs used by this process into `lru.json`. */
  async saveUsage(): Promise<void> {
    if (this.#used.size === 0) return;
    const file = path.join(this.root, "lru.json");
    const raw = await readJsonIfPresent(file);
    const usage: Record<string, number> = {};
    if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === "number") usage[k] = v;
    for (const [sha, at] of this.#used) usage[sha] = at;
    await writeJsonAtomic(file, usage).catch(() => undefined);
  }
}

/**
 * A `hashedAt` that marks a record as trusted: we wrote and verified the file ourselves, so the
 * "racily clean" window of the checksum cache does not apply.
 */
export function trustedAt(mtimeMs: number): number {
  return Math.max(Date.now(), mtimeMs + 10_000);
}

/**
 * Deletes least recently used blobs until the cache holds at most `maxBytes`. Returns what it did.
 *
 * @example
 * ```ts
 * import { cacheDir, cleanupCache } from "cairn";
 * const { removedBytes } = await cleanupCache(cacheDir(), 10 * 1000 ** 3);
 * ```
 */
export async function cleanupCache(
  cacheRoot: string,
  maxBytes: number,
): Promise<{ removedFiles: number; removedBytes: number; keptFiles: number; keptBytes: number }> {
  const root = path.join(cacheRoot, "blobs");
  const raw = await readJsonIfPresent(path.join(root, "lru.json"));
  const usage = isRecord(raw) ? raw : {};
  const blobs: { file: string; sha: string; size: number; used: number }[] = [];
  let shards: string[] = [];
  try {
    shards = await fs.readdir(root);
  } catch {
    // no cache yet
  }
  for (const shard of shards) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const sha of await fs.readdir(path.join(root, shard))) {
      const file = path.join(root, shard, sha);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      const recorded = usage[sha];
      const used = Math.max(typeof recorded === "number" ? recorded : 0, stat.mtimeMs);
      blobs.push({ file, sha, size: stat.size, used });
    }
  }
  blobs.sort((a, b) => a.used - b.used);
  let total = blobs.reduce((sum, b) => sum + b.size, 0);
  let removedFiles = 0;
  let removedBytes = 0;
  for (const blob of blobs) {
    if (total <= maxBytes) break;
    await fs.rm(blob.file, { force: true });
    delete usage[blob.sha];
    total -= blob.size;
    removedFiles++;
    removedBytes += blob.size;
  }
  if (removedFiles > 0) await writeJsonAtomic(path.join(root, "lru.json"), usage).catch(() => undefined);
  return { removedFiles, removedBytes, keptFiles: blobs.length - removedFiles, keptBytes: total };
}
