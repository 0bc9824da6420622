/**
 * @module `complete`: finish each reported upload (multipart: complete it in R2), then verify the stored
 * bytes' size and sha256 in the Worker. Only a match makes the blob present (invariant 4); a mismatch
 * deletes the object, so a lying client never leaves bytes that anybody could receive.
 */
import type { CompletedBlob } from "../../shared/api.ts";
import { discardUpload, verifyObject } from "../storage/blob-store.ts";
import type { BlobDeps } from "./blob-prepare.ts";
import { findUploads, type UploadRow, type VerifiedBlob, verifiedBlobKeys } from "./blobs.ts";
import { mapLimit } from "./map-limit.ts";

/** Each upload holds one R2 connection while it is read back; a Worker request may hold 6. */
const VERIFY_CONCURRENCY = 6;

export interface CompleteItem {
  sha256: string;
  uploadId: string;
  parts?: { partNumber: number; etag: string }[];
}

export async function completeUploads(
  deps: Pick<BlobDeps, "db" | "bucket">,
  teamId: string,
  items: CompleteItem[],
): Promise<CompletedBlob[]> {
  // Two lookups for the whole request instead of two per upload.
  const rows = await findUploads(
    deps.db,
    teamId,
    items.map((item) => item.uploadId),
  );
  const existing = await verifiedBlobKeys(
    deps.db,
    teamId,
    items.map((item) => item.sha256),
  );
  const outcomes = await mapLimit(items, VERIFY_CONCURRENCY, (item) =>
    completeOne(deps, item, rows.get(item.uploadId), existing.get(item.sha256)),
  );
  // The blob rows of every upload verified by this request are written in one D1 batch: one round trip
  // instead of one per upload (10,000 small files made 10,000 batches). The batch is atomic, and each
  // upload's pair of statements keeps its own guard, so the outcome of each is what it was one by one.
  const verified = outcomes.filter((outcome): outcome is Verified => "verifiedRow" in outcome);
  const recorded = await recordVerified(deps, teamId, verified);
  return outcomes.map((outcome) =>
    "verifiedRow" in outcome ? (recorded.get(outcome) as CompletedBlob) : outcome,
  );
}

/** An upload whose stored bytes matched: its blob row is still to be written. */
interface Verified {
  verifiedRow: UploadRow;
  /** R2 etag of the object that was hashed (recorded, so later reads are conditional on it). */
  etag: string;
  answer: (status: CompletedBlob["status"], message?: string) => CompletedBlob;
}

async function completeOne(
  deps: Pick<BlobDeps, "db" | "bucket">,
  item: CompleteItem,
  row: UploadRow | undefined,
  existing: VerifiedBlob | undefined,
): Promise<CompletedBlob | Verified> {
  const { sha256, uploadId } = item;
  const answer = (status: CompletedBlob["status"], message?: string): CompletedBlob =>
    message === undefined ? { sha256, uploadId, status } : { sha256, uploadId, status, message };

  if (!row || row.sha256 !== sha256) {
    // A retry after a lost answer: the upload row is gone because the blob was verified.
    if (!row && existing) return answer("verified");
    return answer(
      "unknown_upload",
      `no upload '${uploadId}' of blob ${sha256} in this team; prepare it first`,
    );
  }
  if (existing) {
    // Another upload verified this content first; this one's bytes are redundant.
    if (existing.r2Key !== row.r2_key) await discardUpload(deps.bucket, row.r2_key, row.multipart_upload_id);
    await deleteUploadRow(deps.db, row.id);
    if (existing.size !== row.size) {
      return answer(
        "digest_mismatch",
        `blob ${sha256} is stored with size ${existing.size}, not ${row.size}`,
      );
    }
    return answer("verified");
  }

  // An expired upload is left to the cleanup (upload-cleanup.ts), which may be deleting its object now.
  if (row.expires_at <= Date.now()) return answer("unknown_upload", expiredMessage(uploadId));

  if (row.multipart_upload_id) {
    const problem = await completeMultipart(deps.bucket, row, item.parts);
    if (problem) return answer("incomplete", problem);
  }

  const check = await verifyObject(deps.bucket, row.r2_key, row.sha256, row.size);
  if (!check.ok) {
    if (check.reason === "not_uploaded") {
      return answer(
        "not_uploaded",
        `nothing was stored for upload '${uploadId}'; PUT the bytes to its URL first`,
      );
    }
    await discardUpload(deps.bucket, row.r2_key, row.multipart_upload_id);
    await deleteUploadRow(deps.db, row.id);
    return answer(
      "digest_mismatch",
      check.reason === "size_mismatch"
        ? `the stored object has ${check.actualSize} bytes, not the declared ${row.size}; it was deleted`
        : `the stored bytes have sha256 ${check.actualSha256}, not the declared ${row.sha256}; they were deleted`,
    );
  }

  return { verifiedRow: row, etag: check.etag, answer };
}

/**
 * Atomic: the blob becomes present exactly when its upload row disappears, and only while that row
 * still exists unexpired. So a concurrent complete of the same upload, or the cleanup of an expired
 * one (upload-cleanup.ts), can never leave a blob row naming an object somebody deletes.
 */
async function recordVerified(
  deps: Pick<BlobDeps, "db" | "bucket">,
  teamId: string,
  verified: Verified[],
): Promise<Map<Verified, CompletedBlob>> {
  const answers = new Map<Verified, CompletedBlob>();
  if (verified.length === 0) return answers;
  const now = Date.now();
  const statements = verified.flatMap(({ verifiedRow: row, etag }) => [
    deps.db
      .prepare(
        "INSERT INTO blobs (team_id, sha256, size, r2_key, etag, verified_at) SELECT ?1, ?2, ?3, ?4, ?7, ?5 WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ?6 AND expires_at > ?5) ON CONFLICT DO NOTHING RETURNING r2_key",
      )
      .bind(teamId, row.sha256, row.size, row.r2_key, now, row.id, etag),
    deps.db.prepare("DELETE FROM uploads WHERE id = ? AND expires_at > ?").bind(row.id, now),
  ]);
  const results = await deps.db.batch<{ r2_key: string }>(statements);
  await mapLimit(verified, VERIFY_CONCURRENCY, async (outcome, i) => {
    const { verifiedRow: row, answer } = outcome;
    const inserted = results[2 * i];
    const removed = results[2 * i + 1];
    if (inserted?.results?.length) {
      answers.set(outcome, answer("verified"));
    } else if (removed?.meta.changes) {
      // Our row was ours to consume, but a concurrent upload of the same content won: drop our object.
      await discardUpload(deps.bucket, row.r2_key, null);
      answers.set(outcome, answer("verified"));
    } else {
      // Our row was consumed meanwhile (a concurrent complete of this very upload, whose blob may name
      // our object) or it expired: touch no object either way.
      const existing = await verifiedBlobKeys(deps.db, teamId, [row.sha256]);
      answers.set(
        outcome,
        existing.has(row.sha256) ? answer("verified") : answer("unknown_upload", expiredMessage(row.id)),
      );
    }
  });
  return answers;
}

function expiredMessage(uploadId: string): string {
  return `upload '${uploadId}' has expired; prepare the blob again`;
}

/**
 * Completes the multipart upload with the client's ETags. If R2 refuses but the object exists, an
 * earlier complete already succeeded (its answer was lost), and verification decides.
 * Returns a message for the client when the upload cannot be completed yet.
 */
async function completeMultipart(
  bucket: R2Bucket,
  row: UploadRow,
  parts: CompleteItem["parts"],
): Promise<string | null> {
  if (!parts || parts.length === 0) {
    return "a multipart upload needs its parts: send [{ partNumber, etag }] for every part";
  }
  // The S3 API answers `ETag: "<etag>"`, the binding wants the bare value: accept both from clients.
  const sorted = parts
    .map(({ partNumber, etag }) => ({ partNumber, etag: etag.replace(/^"(.*)"$/, "$1") }))
    .sort((a, b) => a.partNumber - b.partNumber);
  try {
    await bucket.resumeMultipartUpload(row.r2_key, row.multipart_upload_id ?? "").complete(sorted);
    return null;
  } catch (error) {
    if (await bucket.head(row.r2_key)) return null;
    const reason = error instanceof Error ? error.message : String(error);
    return `R2 could not complete the multipart upload (${reason}); upload the missing parts and complete again`;
  }
}

async function deleteUploadRow(db: D1Database, id: string): Promise<void> {
  await db.prepare("DELETE FROM uploads WHERE id = ?").bind(id).run();
}
