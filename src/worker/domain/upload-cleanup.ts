/**
 * @module Cleanup of expired uploads (run hourly by the cron trigger): abort their multipart uploads,
 * delete the objects they left, and delete their rows, a bounded batch per run.
 */
import { presignTtlSeconds } from "../storage/presign.ts";
import type { UploadRow } from "./blobs.ts";
import { mapLimit } from "./map-limit.ts";

/** Rows per run: one abort each (a subrequest) plus one bulk delete; the next run takes the rest. */
export const CLEANUP_BATCH_SIZE = 500;
/** R2 `delete()` takes at most 1000 keys per call. */
const KEYS_PER_DELETE = 1000;
/** An invocation may hold 6 connections. */
const R2_CONCURRENCY = 6;

export interface CleanupDeps {
  db: D1Database;
  bucket: R2Bucket;
}

export interface CleanupOptions {
  /** The clock; tests pass their own. */
  now: number;
  /**
   * How long after its expiry an upload is left alone. A URL signed just before expiry still works
   * for its TTL; an object PUT through it after cleanup would be left with no row to find it by.
   */
  graceMs: number;
  limit?: number;
}

export interface CleanupResult {
  /** Upload rows deleted. */
  deleted: number;
  /** Multipart uploads aborted (or already gone). */
  aborted: number;
  /** Rows whose object a verified blob names: the row goes, the object stays. */
  keptForBlobs: number;
  /** Rows kept for the next run because R2 failed on them. */
  failed: number;
  /** The batch was full: more expired rows may be waiting. */
  more: boolean;
}

/** The grace for this deployment: the longest a presigned URL can live. */
export function cleanupGraceMs(env: Env): number {
  return presignTtlSeconds(env) * 1000;
}

/**
 * Cleans up to `limit` uploads that expired more than `graceMs` ago, oldest first. R2 first, rows
 * after: a row whose R2 work failed stays and is retried next run. No request can revive such a
 * row meanwhile: prepare extends, and complete consumes, only unexpired rows.
 */
export async function cleanupExpiredUploads(
  deps: CleanupDeps,
  options: CleanupOptions,
): Promise<CleanupResult> {
  const limit = options.limit ?? CLEANUP_BATCH_SIZE;
  const cutoff = options.now - options.graceMs;
  const { results: rows } = await deps.db
    .prepare("SELECT * FROM uploads WHERE expires_at < ? ORDER BY expires_at LIMIT ?")
    .bind(cutoff, limit)
    .all<UploadRow>();
  if (rows.length === 0) return { deleted: 0, aborted: 0, keptForBlobs: 0, failed: 0, more: false };

  const inUse = await keysNamedByBlobs(deps.db, rows);
  const toDiscard = rows.filter((row) => !inUse.has(row.r2_key));
  const failed = new Set<string>();
  let aborted = 0;
  await mapLimit(
    toDiscard.filter((row) => row.multipart_upload_id),
    R2_CONCURRENCY,
    async (row) => {
      const outcome = await abortMultipart(deps.bucket, row);
      if (outcome === "failed") failed.add(row.id);
      else aborted++;
    },
  );
  const toDelete = toDiscard.filter((row) => !failed.has(row.id));
  for (let i = 0; i < toDelete.length; i += KEYS_PER_DELETE) {
    const chunk = toDelete.slice(i, i + KEYS_PER_DELETE);
    try {
      await deps.bucket.delete(chunk.map((row) => row.r2_key));
    } catch (error) {
      logFailure("delete", chunk[0]?.r2_key ?? "", error);
      for (const row of chunk) failed.add(row.id);
    }
  }

  const done = rows.filter((row) => !failed.has(row.id)).map((row) => row.id);
  // The expiry condition again: a row is only ever deleted while it is still expired.
  const deleted = await deps.db
    .prepare("DELETE FROM uploads WHERE id IN (SELECT value FROM json_each(?1)) AND expires_at < ?2")
    .bind(JSON.stringify(done), cutoff)
    .run();
  return {
    deleted: deleted.meta.changes,
    aborted,
    keptForBlobs: rows.length - toDiscard.length,
    failed: failed.size,
    more: rows.length === limit,
  };
}

/**
 * R2 keys of these uploads that a verified blob names. Complete deletes the upload row in the same
 * batch that creates the blob, so this should never match; it guards the one thing that must not
 * happen here: deleting the bytes of a verified blob.
 */
async function keysNamedByBlobs(db: D1Database, rows: UploadRow[]): Promise<Set<string>> {
  const pairs = rows.map((row) => ({ t: row.team_id, s: row.sha256 }));
  const { results } = await db
    .prepare(
      "SELECT b.r2_key FROM json_each(?1) j JOIN blobs b ON b.team_id = json_extract(j.value, '$.t') AND b.sha256 = json_extract(j.value, '$.s')",
    )
    .bind(JSON.stringify(pairs))
    .all<{ r2_key: string }>();
  return new Set(results.map((row) => row.r2_key));
}

/** Aborts the multipart upload; one R2 no longer knows (completed, aborted, expired by R2) is done too. */
async function abortMultipart(bucket: R2Bucket, row: UploadRow): Promise<"aborted" | "failed"> {
  try {
    await bucket.resumeMultipartUpload(row.r2_key, row.multipart_upload_id ?? "").abort();
    return "aborted";
  } catch (error) {
    // 10024 NoSuchUpload: nothing left to free.
    if (String(error).includes("10024")) return "aborted";
    logFailure("abortMultipartUpload", row.r2_key, error);
    return "failed";
  }
}

function logFailure(at: string, key: string, error: unknown): void {
  console.error(JSON.stringify({ at: `upload-cleanup ${at}`, key, error: String(error) }));
}
