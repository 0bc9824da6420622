/** @module Hashing the local files of a new version, through the checksum cache. */
import { ChecksumCache } from "../checksum-cache.ts";
import type { ProgressTracker } from "../progress.ts";
import { forEachLimit } from "../retry.ts";
import type { LocalFile } from "../walk.ts";

/** Hashing is I/O plus CPU; on a 2-core machine a few files at once keep both busy. */
const HASH_CONCURRENCY = 4;

export interface HashedFile extends LocalFile {
  sha256: string;
}

/** sha256 of every file: from the cache when (path, size, mtime, inode) match, else streamed from disk. */
export async function hashFiles(
  files: LocalFile[],
  cacheRoot: string,
  tracker: ProgressTracker,
): Promise<{ hashed: HashedFile[]; hashedCount: number }> {
  const cache = await ChecksumCache.open(cacheRoot);
  tracker.start(
    "hashing",
    files.length,
    files.reduce((sum, f) => sum + f.stat.size, 0),
  );
  const hashed: HashedFile[] = new Array(files.length);
  await forEachLimit(files, HASH_CONCURRENCY, async (file, i) => {
    hashed[i] = { ...file, sha256: await cache.sha256(file.abs, file.stat) };
    tracker.addBytes(file.stat.size);
    tracker.addFiles(1);
  });
  await cache.save();
  return { hashed, hashedCount: cache.hashed };
}
