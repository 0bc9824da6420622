/**
 * @module Reads of verified blobs, conditional on the etag recorded when the blob was verified. The key of
 * a verified object can still be written by its uploader's presigned URL until that URL expires; a read
 * made conditional on the etag gets those bytes refused (412, or no body) instead of served (invariant 4).
 */
import type { VerifiedBlob } from "../domain/blobs.ts";
import { type PresignContext, presign } from "./presign.ts";

/** The header that makes a GET of the blob conditional: S3 wants the quoted etag. */
export function ifMatchHeaders(etag: string): { "if-match": string } {
  return { "if-match": `"${etag}"` };
}

/**
 * A presigned GET of the blob with `if-match` signed in: the client must send `headers` as given (else
 * 403), and an object rewritten after verification answers 412 instead of other bytes.
 */
export async function presignBlobGet(
  ctx: PresignContext,
  blob: VerifiedBlob,
): Promise<{ url: string; expiresAt: string; headers: { "if-match": string } }> {
  const headers = ifMatchHeaders(blob.etag);
  const { url, expiresAt } = await presign(ctx, "GET", blob.r2Key, { headers });
  return { url, expiresAt, headers };
}

/**
 * Reads the blob through the binding only if its object is still the one verified. `null` when it is gone,
 * `"changed"` when the object was rewritten after verification (nothing of it is read).
 */
export async function readVerifiedBlob(
  bucket: R2Bucket,
  blob: VerifiedBlob,
  range?: R2Range,
): Promise<R2ObjectBody | "changed" | null> {
  const object = await bucket.get(blob.r2Key, {
    onlyIf: { etagMatches: blob.etag },
    ...(range ? { range } : {}),
  });
  if (!object) return null;
  // A failed condition answers the object's metadata without a body.
  if (!("body" in object)) return "changed";
  return object;
}
