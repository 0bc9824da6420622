/**
 * @module The checksum cache: sha256 of local files keyed by (absolute path, size, mtime, inode), so a file
 * that did not change is never hashed again. Stored as one JSON file under `$XDG_CACHE_HOME/cairn/checksums`.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, type Stats } from "node:fs";
import path from "node:path";
import { isRecord, readJsonIfPresent, writeJsonAtomic } from "./fs-util.ts";

interface Record_ {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
  /** When the hash was taken; decides whether the mtime can be trusted (see `isTrusted`). */
  hashedAt: number;
}

/**
 * Streams a file through sha256; never holds more than one 1 MiB read buffer.
 *
 * @example
 * ```ts
 * import { hashFile } from "cairn";
 * const { sha256, size } = await hashFile("data/train.csv");
 * ```
 */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * Files up to this size are read whole: a read stream per small file costs far more than its bytes
 * (10,000 files of 10 KiB: ~3 s through streams, ~0.3 s read whole), and 1 MiB is one stream chunk anyway.
 */
const SMALL_FILE_BYTES = 1024 * 1024;

/** sha256 of a small file read in one go (synchronously: a read of ≤ 1 MiB from the page cache is ~0.1 ms). */
function hashSmallFile(file: string): { sha256: string; size: number } {
  const bytes = readFileSync(file);
  return { sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

/**
 * A file written in the same clock tick as its hashing could change again without its mtime moving
 * ("racily clean" in Git's words). Such a record is used only after a later re-hash. The tick is 2 s on
 * filesystems with whole-second mtimes and a few milliseconds elsewhere.
 */
function isTrusted(record: Record_): boolean {
  const tick = Number.isInteger(record.mtimeMs / 1000) ? 2000 : 50;
  return record.hashedAt - record.mtimeMs > tick;
}

/**
 * Load once, look up and record many times, save once. Safe to lose: at worst files are hashed again.
 */
export class ChecksumCache {
  readonly file: string;
  #records = new Map<string, Record_>();
  /** Paths this instance recorded (true) or forgot (false): what `save` merges over the file on disk. */
  #changes = new Map<string, boolean>();
  /** Files hashed through this cache instance (for tests and progress). */
  hashed = 0;

  private constructor(file: string) {
    this.file = file;
  }

  static async open(cacheRoot: string): Promise<ChecksumCache> {
    const cache = new ChecksumCache(path.join(cacheRoot, "checksums", "v1.json"));
    cache.#records = await readRecords(cache.file);
    return cache;
  }

  /** The cached sha256 when the file's stat still matches a trusted record. */
  lookup(absPath: string, stat: Stats): string | undefined {
    const record = this.#records.get(absPath);
    if (!record) return undefined;
    if (record.size !== stat.size || record.mtimeMs !== stat.mtimeMs || record.ino !== stat.ino)
      return undefined;
    return isTrusted(record) ? record.sha256 : undefined;
  }

  record(absPath: string, stat: Stats, sha256: string, hashedAt = Date.now()): void {
    this.#records.set(absPath, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, sha256, hashedAt });
    this.#changes.set(absPath, true);
  }

  forget(absPath: string): void {
    this.#records.delete(absPath);
    this.#changes.set(absPath, false);
  }

  /**
   * The file's sha256: from the cache when its stat matches, else hashed (and recorded). The size
   * returned is what was hashed, so a file that changes while being read is caught by the caller.
   */
  async sha256(absPath: string, stat: Stats): Promise<string> {
    const cached = this.lookup(absPath, stat);
    if (cached) return cached;
    const hashedAt = Date.now();
    const { sha256, size } = stat.size <= SMALL_FILE_BYTES ? hashSmallFile(absPath) : await hashFile(absPath);
    this.hashed++;
    if (size === stat.size) this.record(absPath, stat, sha256, hashedAt);
    return sha256;
  }

  /**
   * Writes the cache, merging this instance's changes over what is on disk now, so two processes
   * hashing different trees at once do not drop each other's records.
   */
  async save(): Promise<void> {
    if (this.#changes.size === 0) return;
    const merged = await readRecords(this.file);
    for (const [file, recorded] of this.#changes) {
      const record = this.#records.get(file);
      if (recorded && record) merged.set(file, record);
      else merged.delete(file);
    }
    await writeJsonAtomic(this.file, Object.fromEntries(merged));
    this.#records = merged;
    this.#changes.clear();
  }
}

async function readRecords(file: string): Promise<Map<string, Record_>> {
  const records = new Map<string, Record_>();
  const raw = await readJsonIfPresent(file);
  if (!isRecord(raw)) return records;
  for (const [path_, value] of Object.entries(raw)) {
    if (
      isRecord(value) &&
      typeof value.size === "number" &&
      typeof value.mtimeMs === "number" &&
      typeof value.ino === "number" &&
      typeof value.sha256 === "string" &&
      typeof value.hashedAt === "number"
    ) {
      records.set(path_, {
        size: value.size,
        mtimeMs: value.mtimeMs,
        ino: value.ino,
        sha256: value.sha256,
        hashedAt: value.hashedAt,
      });
    }
  }
  return records;
}
