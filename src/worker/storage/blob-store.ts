/**
 * @module R2 layout of blob bytes and their verification. The key helpers here are the only way to
 * build a blob key; verification re-reads the stored bytes, because neither the local endpoint nor
 * production R2 checks a whole-object sha256 for us (PLATFORM-NOTES).
 */

/** Bytes per read while hashing: below ~1 MiB the 4 KiB chunks of the local endpoint dominate. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * `teams/<teamId>/blobs/<sha[0..2]>/<sha>/<uploadId>`: one key per upload, so a client that lies
 * about a digest can only ever write its own object, never the one another upload verified.
 */
export function uploadKey(teamId: string, sha256: string, uploadId: string): string {
  return `${teamPrefix(teamId)}${sha256.slice(0, 2)}/${sha256}/${uploadId}`;
}

/** Prefix of every blob object of a team (for operators; queries never list R2). */
export function teamPrefix(teamId: string): string {
  return `teams/${teamId}/blobs/`;
}

export type VerifyResult =
  | { ok: true; etag: string }
  | { ok: false; reason: "not_uploaded" }
  | { ok: false; reason: "size_mismatch"; actualSize: number }
  | { ok: false; reason: "digest_mismatch"; actualSha256: string };

/**
 * Reads the object back and checks its size, then its sha256. A size mismatch is answered without
 * reading the body. Streams (never buffers the object): memory stays at one chunk.
 */
export async function verifyObject(
  bucket: R2Bucket,
  key: string,
  sha256: string,
  size: number,
): Promise<VerifyResult> {
  const object = await bucket.get(key);
  if (!object) return { ok: false, reason: "not_uploaded" };
  if (object.size !== size) {
    await object.body.cancel();
    return { ok: false, reason: "size_mismatch", actualSize: object.size };
  }
  const actual = await sha256OfStream(object.body);
  if (actual.bytes !== size) return { ok: false, reason: "size_mismatch", actualSize: actual.bytes };
  if (actual.hex !== sha256) return { ok: false, reason: "digest_mismatch", actualSha256: actual.hex };
  // The etag of the very object that was hashed: later reads are made conditional on it.
  return { ok: true, etag: object.etag };
}

/** sha256 (hex) and length of a stream, fed to DigestStream in ≥1 MiB reads through a BYOB reader. */
export async function sha256OfStream(body: ReadableStream): Promise<{ hex: string; bytes: number }> {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  const reader = body.getReader({ mode: "byob" });
  let buffer = new ArrayBuffer(READ_CHUNK_BYTES);
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.readAtLeast(READ_CHUNK_BYTES, new Uint8Array(buffer));
    if (value && value.byteLength > 0) {
      bytes += value.byteLength;
      // The write must finish before the buffer is handed back to the reader.
      await writer.write(value);
    }
    if (done || !value) break;
    // readAtLeast transfers the buffer; the returned view owns it now.
    buffer = value.buffer as ArrayBuffer;
  }
  await writer.close();
  return { hex: toHex(await digest.digest), bytes };
}

function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Deletes an upload's object; a multipart upload that never completed is aborted instead. */
export async function discardUpload(
  bucket: R2Bucket,
  key: string,
  multipartUploadId: string | null,
): Promise<void> {
  await bucket.delete(key);
  if (multipartUploadId) {
    try {
      await bucket.resumeMultipartUpload(key, multipartUploadId).abort();
    } catch {
      // already completed or aborted: nothing left to free
    }
  }
}
