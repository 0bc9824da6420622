/**
 * @module Downloading a version into a directory: list the files (by prefix), keep those already present with
 * the right digest, take what the local cache has, fetch the rest in parallel from presigned URLs in
 * batches of 1000, verifying every sha256 and writing atomically. References are fetched when they are
 * http(s); other schemes are reported as skipped.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { DOWNLOAD_URLS_MAX } from "../../shared/api.ts";
import { type BlobEntry, isReference, type ReferenceEntry } from "../../shared/manifest.ts";
import { ChecksumCache } from "../checksum-cache.ts";
import type { Client } from "../client.ts";
import { CairnError } from "../errors.ts";
import { listFiles, type VersionAddress, versionPath } from "../listing.ts";
import { type ProgressListener, ProgressTracker } from "../progress.ts";
import { isHttpReference, normaliseEtag } from "../references.ts";
import { chunks, forEachLimit } from "../retry.ts";
import type { DownloadUrl } from "../types.ts";
import { BlobCache, linkOrCopy, trustedAt } from "./blob-cache.ts";
import { fetchToTemp } from "./fetch-file.ts";

export const DOWNLOAD_CONCURRENCY = 8;

/**
 * Options of `version.download()` and `cairn get`.
 *
 * @example
 * ```ts
 * const options: DownloadOptions = { root: "/data/train", pathPrefix: "images/" };
 * ```
 */
export interface DownloadOptions {
  /** Target directory; default `./artifacts/<name>:v<N>`. */
  root?: string;
  /** Only entries whose path starts with this. */
  pathPrefix?: string;
  /** Use the local content-addressed cache (default true). */
  cache?: boolean;
  onProgress?: ProgressListener;
}

/**
 * What a download did: where, how many entries, bytes fetched over the network, entries taken from the
 * local cache or already present, and references it could not fetch.
 *
 * @example
 * ```ts
 * const result: DownloadResult = await version.downloadWithReport();
 * console.log(`${result.downloadedBytes} bytes fetched, ${result.fromCache} from cache`);
 * ```
 */
export interface DownloadResult {
  path: string;
  files: number;
  downloadedBytes: number;
  downloadedFiles: number;
  fromCache: number;
  alreadyPresent: number;
  skipped: { path: string; reason: string }[];
}

/** Joins a manifest path under the root, refusing anything that would land outside it. */
export function targetPath(root: string, entryPath: string): string {
  const target = path.resolve(root, ...entryPath.split("/"));
  if (!target.startsWith(root + path.sep)) {
    throw new CairnError("bad_response", `refusing to write '${entryPath}' outside ${root}`);
  }
  return target;
}

async function statIfFile(file: string) {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat?.isFile() ? stat : undefined;
}

export async function downloadVersion(
  client: Client,
  cacheRoot: string,
  at: VersionAddress,
  rootDir: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const root = path.resolve(rootDir);
  await fs.mkdir(root, { recursive: true });
  const tracker = new ProgressTracker("downloading", options.onProgress);
  const checksums = await ChecksumCache.open(cacheRoot);
  const cache = options.cache === false ? undefined : new BlobCache(cacheRoot, checksums);

  const blobs: BlobEntry[] = [];
  const references: ReferenceEntry[] = [];
  for await (const entry of listFiles(client, at, options.pathPrefix ?? "")) {
    if (isReference(entry)) references.push(entry);
    else blobs.push(entry);
  }
  const result: DownloadResult = {
    path: root,
    files: blobs.length + references.length,
    downloadedBytes: 0,
    downloadedFiles: 0,
    fromCache: 0,
    alreadyPresent: 0,
    skipped: [],
  };
  tracker.start(
    "downloading",
    result.files,
    blobs.reduce((sum, b) => sum + b.size, 0),
  );

  // Present with the right digest (size first, then the checksum cache or a hash), or in the local cache.
  const needed: BlobEntry[] = [];
  await forEachLimit(blobs, 16, async (entry) => {
    const target = targetPath(root, entry.path);
    const stat = await statIfFile(target);
    if (stat && stat.size === entry.size && (await checksums.sha256(target, stat)) === entry.sha256) {
      result.alreadyPresent++;
    } else {
      const cached = await cache?.lookup(entry.sha256, entry.size);
      if (!cached) {
        needed.push(entry);
        return;
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await linkOrCopy(cached, target);
      const placed = await fs.stat(target);
      checksums.record(target, placed, entry.sha256, trustedAt(placed.mtimeMs));
      result.fromCache++;
    }
    tracker.addBytes(entry.size);
    tracker.addFiles(1);
  });

  // One network fetch per distinct content; other paths with the same content are linked from the first.
  const byDigest = new Map<string, BlobEntry[]>();
  for (const entry of needed) {
    const list = byDigest.get(entry.sha256) ?? [];
    list.push(entry);
    byDigest.set(entry.sha256, list);
  }
  const firsts = [...byDigest.values()].map((list) => list[0] as BlobEntry);
  for (const batch of chunks(firsts, DOWNLOAD_URLS_MAX)) {
    const { files: urls } = await client.request<{ files: DownloadUrl[]; missing: string[] }>(
      "POST",
      versionPath(client, at, "/download-urls"),
      { paths: batch.map((e) => e.path) },
    );
    const urlOf = new Map<string, { url: string; headers: Record<string, string> }>();
    for (const file of urls)
      if ("url" in file) urlOf.set(file.path, { url: file.url, headers: file.headers ?? {} });
    await forEachLimit(batch, DOWNLOAD_CONCURRENCY, async (entry) => {
      const signed = urlOf.get(entry.path);
      if (!signed)
        throw new CairnError("bad_response", `the server gave no download URL for '${entry.path}'`);
      const target = targetPath(root, entry.path);
      const fetched = await fetchToTemp(
        signed.url,
        target,
        { sha256: entry.sha256, size: entry.size },
        (n) => {
          result.downloadedBytes += n;
          tracker.addBytes(n);
        },
        `'${entry.path}'`,
        // The signed if-match: an object rewritten after verification answers 412, not other bytes.
        signed.headers,
      );
      await cache?.store(fetched.tmp, entry.sha256);
      await fs.rename(fetched.tmp, target);
      const placed = await fs.stat(target);
      checksums.record(target, placed, entry.sha256, trustedAt(placed.mtimeMs));
      result.downloadedFiles++;
      tracker.addFiles(1);
      for (const twin of (byDigest.get(entry.sha256) ?? []).slice(1)) {
        const twinTarget = targetPath(root, twin.path);
        await fs.mkdir(path.dirname(twinTarget), { recursive: true });
        await linkOrCopy(target, twinTarget);
        const twinStat = await fs.stat(twinTarget);
        checksums.record(twinTarget, twinStat, twin.sha256, trustedAt(twinStat.mtimeMs));
        tracker.addBytes(twin.size);
        tracker.addFiles(1);
      }
    });
  }

  await forEachLimit(references, DOWNLOAD_CONCURRENCY, async (entry) => {
    const reason = await fetchReference(root, entry, (n) => {
      result.downloadedBytes += n;
    });
    if (reason) result.skipped.push({ path: entry.path, reason });
    tracker.addFiles(1);
  });

  await checksums.save();
  await cache?.saveUsage();
  return result;
}

/**
 * Fetches an http(s) reference into place, verified against what was logged: a `sha256:` checksum is
 * compared with the bytes, an `etag:` one with the response's ETag, a recorded size with the length.
 * Returns why it was skipped (other schemes), or undefined once the file is in place.
 */
async function fetchReference(
  root: string,
  entry: ReferenceEntry,
  onBytes: (n: number) => void,
): Promise<string | undefined> {
  if (!isHttpReference(entry.ref)) {
    const scheme = entry.ref.split(":")[0] ?? "";
    return `${scheme}:// references are not fetched by the Cairn client; fetch ${entry.ref} with your own tools`;
  }
  const target = targetPath(root, entry.path);
  // Identity encoding, as when the ETag was captured: servers give a compressed variant another ETag.
  const fetched = await fetchToTemp(entry.ref, target, {}, onBytes, `reference '${entry.path}'`, {
    "accept-encoding": "identity",
  });
  const problem = referenceMismatch(entry, fetched);
  if (problem) {
    await fs.rm(fetched.tmp, { force: true });
    throw new CairnError(
      "digest_mismatch",
      `reference '${entry.path}' no longer matches what was logged: ${problem}`,
      {
        hint: `The content at ${entry.ref} changed after the version was logged; log a new version to accept it`,
        details: { path: entry.path, ref: entry.ref },
      },
    );
  }
  await fs.rename(fetched.tmp, target);
  return undefined;
}

/** What differs between a fetched reference and its manifest entry, or undefined when nothing does. */
function referenceMismatch(
  entry: ReferenceEntry,
  fetched: { sha256: string; size: number; etag: string | null },
): string | undefined {
  const checksum = entry.checksum ?? "";
  if (checksum.startsWith("sha256:") && fetched.sha256 !== checksum.slice(7).toLowerCase()) {
    return `sha256 is ${fetched.sha256}, expected ${checksum.slice(7)}`;
  }
  if (checksum.startsWith("etag:")) {
    const want = normaliseEtag(checksum.slice(5));
    const got = normaliseEtag(fetched.etag ?? "");
    if (got !== want) return got ? `ETag is ${got}, expected ${want}` : `no ETag came back, expected ${want}`;
  }
  if (entry.size !== undefined && fetched.size !== entry.size) {
    return `${fetched.size} bytes, expected ${entry.size}`;
  }
  return undefined;
}
