/**
 * @module `prepare`: for each blob a client wants to send, say it is present, or hand out an upload
 * (one presigned PUT, or a multipart plan with presigned part URLs). An open upload is resumed only for the
 * client that names its uploadId: two clients sending the same content each get their own upload and key,
 * and `complete` keeps the first one verified (blob-complete.ts).
 */
import { PART_URLS_MAX, type PreparedBlob, SINGLE_PUT_MAX_BYTES } from "../../shared/api.ts";
import { ApiError, notFound } from "../errors.ts";
import { uploadKey } from "../storage/blob-store.ts";
import { type PresignContext, presign, presignTtlSeconds } from "../storage/presign.ts";
import {
  extendUploads,
  findUpload,
  findUploads,
  planParts,
  type UploadRow,
  verifiedBlobKeys,
} from "./blobs.ts";
import { mapLimit } from "./map-limit.ts";

/** How long an upload may be resumed; its URLs live much shorter and are re-signed on demand. */
export const UPLOAD_TTL_MS = 24 * 3600 * 1000;
/** Part URLs in one prepare answer, over all blobs: 1000 blobs × 1000 parts would take minutes to sign. */
const PART_URLS_PER_ANSWER = 10_000;
/** A Worker request may hold 6 connections; createMultipartUpload is one each. */
const R2_CONCURRENCY = 6;

export interface BlobDeps {
  db: D1Database;
  bucket: R2Bucket;
  presign: PresignContext;
}

export async function prepareBlobs(
  deps: BlobDeps,
  teamId: string,
  items: { sha256: string; size: number; uploadId?: string }[],
  ttlSeconds?: number,
): Promise<PreparedBlob[]> {
  const sizes = declaredSizes(items);
  const shas = [...sizes.keys()];
  const verified = await verifiedBlobKeys(deps.db, teamId, shas);
  for (const [sha256, size] of sizes) {
    const stored = verified.get(sha256);
    if (stored && stored.size !== size) {
      throw new ApiError(
        "validation_failed",
        `blob ${sha256} is stored with size ${stored.size}, not ${size}; the size or the digest is wrong`,
        { sha256, size, storedSize: stored.size },
      );
    }
  }

  const now = Date.now();
  const missing = shas.filter((sha) => !verified.has(sha));
  const reusable = await namedOpenUploads(deps.db, teamId, items, new Set(missing), now);
  // A resumed upload gets a full lifetime again, so a slow client is not cut off mid-way.
  const expiresAt = now + UPLOAD_TTL_MS;
  const extended = await extendUploads(
    deps.db,
    [...reusable.values()].map((row) => row.id),
    now,
    expiresAt,
  );
  const uploads = new Map<string, UploadRow>();
  const toCreate: { sha256: string; size: number }[] = [];
  for (const sha256 of missing) {
    const row = reusable.get(sha256);
    if (row && extended.has(row.id)) uploads.set(sha256, { ...row, expires_at: expiresAt });
    else toCreate.push({ sha256, size: sizes.get(sha256) ?? 0 });
  }
  for (const row of await createUploads(deps, teamId, toCreate, now)) uploads.set(row.sha256, row);

  const ttl = Math.min(ttlSeconds ?? Number.POSITIVE_INFINITY, presignTtlSeconds(deps.presign.env));
  let partBudget = PART_URLS_PER_ANSWER;
  const answered = new Map<string, Promise<PreparedBlob>>();
  for (const [sha256, size] of sizes) {
    const row = uploads.get(sha256);
    if (!row) {
      answered.set(sha256, Promise.resolve({ sha256, size, status: "present" }));
      continue;
    }
    const partCount = row.part_size ? Math.max(1, Math.ceil(size / row.part_size)) : 0;
    const urlCount = Math.min(partCount, PART_URLS_MAX, partBudget);
    partBudget -= urlCount;
    answered.set(sha256, answerUpload(deps.presign, row, urlCount, ttl));
  }
  // Signing is pure CPU (HMAC), so all of it at once: 1000 URLs take ~70 ms.
  const bySha = new Map((await Promise.all(answered.values())).map((answer) => [answer.sha256, answer]));
  return items.map((item) => bySha.get(item.sha256) as PreparedBlob);
}

/** Presigned PUT URLs for parts of a multipart upload: the rest of a big plan, or fresh ones after expiry. */
export async function signPartUrls(
  deps: BlobDeps,
  teamId: string,
  uploadId: string,
  partNumbers: number[],
  ttlSeconds?: number,
): Promise<{ parts: { partNumber: number; url: string }[]; expiresAt: string }> {
  const row = await findUpload(deps.db, teamId, uploadId);
  if (!row) throw notFound(`upload '${uploadId}'`);
  if (row.expires_at <= Date.now()) {
    throw new ApiError("not_found", `upload '${uploadId}' has expired; prepare the blob again`);
  }
  if (!row.multipart_upload_id || !row.part_size) {
    throw new ApiError("validation_failed", `upload '${uploadId}' is a single PUT; it has no parts`);
  }
  const partCount = Math.max(1, Math.ceil(row.size / row.part_size));
  const outside = partNumbers.find((n) => n > partCount);
  if (outside !== undefined) {
    throw new ApiError(
      "validation_failed",
      `part ${outside} is beyond the last part (${partCount}) of this upload`,
      {
        partCount,
      },
    );
  }
  const ttl = Math.min(ttlSeconds ?? Number.POSITIVE_INFINITY, presignTtlSeconds(deps.presign.env));
  const signed = await Promise.all(
    [...new Set(partNumbers)].map((partNumber) => signPart(deps.presign, row, partNumber, ttl)),
  );
  return {
    parts: signed.map(({ partNumber, url }) => ({ partNumber, url })),
    expiresAt: signed[0]?.expiresAt ?? new Date(Date.now() + ttl * 1000).toISOString(),
  };
}

/**
 * The open uploads the client names (by uploadId) for blobs still missing, by sha256. A name that is
 * unknown, of another team, expired, or of other content (sha256 or size) is ignored: that blob gets a
 * fresh upload. Never an upload the client did not name, so concurrent clients never share one.
 */
async function namedOpenUploads(
  db: D1Database,
  teamId: string,
  items: { sha256: string; size: number; uploadId?: string }[],
  missing: Set<string>,
  now: number,
): Promise<Map<string, UploadRow>> {
  const named = items.filter((item) => item.uploadId !== undefined && missing.has(item.sha256));
  if (named.length === 0) return new Map();
  const rows = await findUploads(
    db,
    teamId,
    named.map((item) => item.uploadId ?? ""),
  );
  const reusable = new Map<string, UploadRow>();
  for (const { sha256, size, uploadId } of named) {
    const row = rows.get(uploadId ?? "");
    if (reusable.has(sha256) || !row) continue;
    if (row.sha256 === sha256 && row.size === size && row.expires_at > now) reusable.set(sha256, row);
  }
  return reusable;
}

/** One size per sha in a request; the same sha twice with two sizes is a client bug. */
function declaredSizes(items: { sha256: string; size: number }[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const { sha256, size } of items) {
    const seen = sizes.get(sha256);
    if (seen !== undefined && seen !== size) {
      throw new ApiError(
        "validation_failed",
        `blob ${sha256} is listed twice with sizes ${seen} and ${size}`,
        {
          sha256,
        },
      );
    }
    sizes.set(sha256, size);
  }
  return sizes;
}

/**
 * Creates the multipart uploads in R2 first and the rows after, in one batch; if anything fails,
 * the multipart uploads already created are aborted so nothing is left behind.
 */
async function createUploads(
  deps: BlobDeps,
  teamId: string,
  items: { sha256: string; size: number }[],
  now: number,
): Promise<UploadRow[]> {
  if (items.length === 0) return [];
  const rows: UploadRow[] = items.map(({ sha256, size }) => {
    const id = crypto.randomUUID();
    const multipart = size >= SINGLE_PUT_MAX_BYTES;
    return {
      id,
      team_id: teamId,
      sha256,
      size,
      r2_key: uploadKey(teamId, sha256, id),
      multipart_upload_id: null,
      part_size: multipart ? planParts(size).partSize : null,
      expires_at: now + UPLOAD_TTL_MS,
    };
  });
  const multipartRows = rows.filter((row) => row.part_size !== null);
  // Each failure is caught so every upload that did get created is known, and aborted below.
  await mapLimit(multipartRows, R2_CONCURRENCY, async (row) => {
    try {
      row.multipart_upload_id = (await deps.bucket.createMultipartUpload(row.r2_key)).uploadId;
    } catch (error) {
      console.error(JSON.stringify({ at: "createMultipartUpload", key: row.r2_key, error: String(error) }));
    }
  });
  try {
    if (multipartRows.some((row) => row.multipart_upload_id === null)) {
      throw new Error("creating a multipart upload failed");
    }
    const insert = deps.db.prepare(
      "INSERT INTO uploads (id, team_id, sha256, size, r2_key, multipart_upload_id, part_size, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    await deps.db.batch(
      rows.map((row) =>
        insert.bind(
          row.id,
          row.team_id,
          row.sha256,
          row.size,
          row.r2_key,
          row.multipart_upload_id,
          row.part_size,
          row.expires_at,
        ),
      ),
    );
  } catch (error) {
    await mapLimit(multipartRows, R2_CONCURRENCY, async (row) => {
      if (!row.multipart_upload_id) return;
      await deps.bucket
        .resumeMultipartUpload(row.r2_key, row.multipart_upload_id)
        .abort()
        .catch(() => undefined);
    });
    throw error;
  }
  return rows;
}

async function answerUpload(
  ctx: PresignContext,
  row: UploadRow,
  urlCount: number,
  ttl: number,
): Promise<PreparedBlob> {
  const base = { sha256: row.sha256, size: row.size, uploadId: row.id };
  if (!row.multipart_upload_id || !row.part_size) {
    // `if-none-match: *` is signed in: the PUT can create the object but never replace it, so once the
    // object is verified this URL cannot change its bytes (R2 answers 412).
    const headers = { "if-none-match": "*" };
    const { url, expiresAt } = await presign(ctx, "PUT", row.r2_key, { ttlSeconds: ttl, headers });
    return { ...base, status: "upload", url, expiresAt, headers };
  }
  const partCount = Math.max(1, Math.ceil(row.size / row.part_size));
  const parts = await Promise.all(Array.from({ length: urlCount }, (_, i) => signPart(ctx, row, i + 1, ttl)));
  return {
    ...base,
    status: "multipart",
    partSize: row.part_size,
    partCount,
    parts: parts.map(({ partNumber, url }) => ({ partNumber, url })),
    expiresAt: parts[0]?.expiresAt ?? new Date(Date.now() + ttl * 1000).toISOString(),
  };
}

/** UploadPart: `partNumber` and `uploadId` are signed, so the URL cannot be turned into another part. */
async function signPart(ctx: PresignContext, row: UploadRow, partNumber: number, ttl: number) {
  const { url, expiresAt } = await presign(ctx, "PUT", row.r2_key, {
    query: { partNumber: String(partNumber), uploadId: row.multipart_upload_id ?? "" },
    ttlSeconds: ttl,
  });
  return { partNumber, url, expiresAt };
}
