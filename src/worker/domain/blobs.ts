/**
 * @module Blobs of a team: which are verified (for dedup, commit checks and downloads), the upload rows
 * in progress, and the multipart plan. Prepare and complete live in blob-prepare.ts / blob-complete.ts.
 */
import { DEFAULT_PART_SIZE, MAX_PARTS } from "../../shared/api.ts";

/** shas per statement: one bound JSON parameter, so D1's 100-parameter limit never applies. */
const SHAS_PER_STATEMENT = 5000;
const MIB = 1024 * 1024;

export interface VerifiedBlob {
  r2Key: string;
  size: number;
  /** R2 etag (bare) of the object when it was verified; reads of the blob are conditional on it. */
  etag: string;
}

/** The row of an upload in progress (snake_case as stored). */
export interface UploadRow {
  id: string;
  team_id: string;
  sha256: string;
  size: number;
  r2_key: string;
  multipart_upload_id: string | null;
  part_size: number | null;
  expires_at: number;
}

/**
 * Which of `sha256s` are NOT verified for the team, in first-seen order without duplicates.
 * One statement per 5,000 shas, so 100,000 shas cost 20 indexed lookups.
 */
export async function findMissingBlobs(db: D1Database, teamId: string, sha256s: string[]): Promise<string[]> {
  const unique = [...new Set(sha256s)];
  const statement = db.prepare(
    "SELECT j.value AS sha256 FROM json_each(?1) j LEFT JOIN blobs b ON b.team_id = ?2 AND b.sha256 = j.value WHERE b.sha256 IS NULL",
  );
  const missing = new Set<string>();
  for (const chunk of chunks(unique, SHAS_PER_STATEMENT)) {
    const { results } = await statement.bind(JSON.stringify(chunk), teamId).all<{ sha256: string }>();
    for (const row of results) missing.add(row.sha256);
  }
  return unique.filter((sha) => missing.has(sha));
}

/** R2 key and size of each of `sha256s` that is verified for the team (others are absent from the map). */
export async function verifiedBlobKeys(
  db: D1Database,
  teamId: string,
  sha256s: string[],
): Promise<Map<string, VerifiedBlob>> {
  const statement = db.prepare(
    "SELECT b.sha256, b.size, b.r2_key, b.etag FROM blobs b WHERE b.team_id = ?2 AND b.sha256 IN (SELECT value FROM json_each(?1))",
  );
  const found = new Map<string, VerifiedBlob>();
  for (const chunk of chunks([...new Set(sha256s)], SHAS_PER_STATEMENT)) {
    const { results } = await statement
      .bind(JSON.stringify(chunk), teamId)
      .all<{ sha256: string; size: number; r2_key: string; etag: string }>();
    for (const row of results) found.set(row.sha256, { r2Key: row.r2_key, size: row.size, etag: row.etag });
  }
  return found;
}

/**
 * Moves the expiry of the uploads prepare resumes (named by their client) to `expiresAt`, but only of
 * those still unexpired at `now`: one the cleanup may already be discarding is never revived. Returns
 * the ids extended.
 */
export async function extendUploads(
  db: D1Database,
  uploadIds: string[],
  now: number,
  expiresAt: number,
): Promise<Set<string>> {
  const statement = db.prepare(
    "UPDATE uploads SET expires_at = ?2 WHERE id IN (SELECT value FROM json_each(?1)) AND expires_at > ?3 RETURNING id",
  );
  const extended = new Set<string>();
  for (const chunk of chunks(uploadIds, SHAS_PER_STATEMENT)) {
    const { results } = await statement.bind(JSON.stringify(chunk), expiresAt, now).all<{ id: string }>();
    for (const row of results) extended.add(row.id);
  }
  return extended;
}

/** The team's upload with this id, expired or not, or null (another team's upload is null too). */
export async function findUpload(
  db: D1Database,
  teamId: string,
  uploadId: string,
): Promise<UploadRow | null> {
  return db
    .prepare("SELECT * FROM uploads WHERE id = ? AND team_id = ?")
    .bind(uploadId, teamId)
    .first<UploadRow>();
}

/** The team's uploads with these ids, by id (ids of other teams are simply absent). */
export async function findUploads(
  db: D1Database,
  teamId: string,
  uploadIds: string[],
): Promise<Map<string, UploadRow>> {
  const statement = db.prepare(
    "SELECT * FROM uploads WHERE team_id = ?2 AND id IN (SELECT value FROM json_each(?1))",
  );
  const found = new Map<string, UploadRow>();
  for (const chunk of chunks([...new Set(uploadIds)], SHAS_PER_STATEMENT)) {
    const { results } = await statement.bind(JSON.stringify(chunk), teamId).all<UploadRow>();
    for (const row of results) found.set(row.id, row);
  }
  return found;
}

/**
 * Part size and count of a multipart upload: 16 MiB parts, or bigger (rounded up to a MiB) when
 * that would need more than 10,000 parts. Every part but the last has exactly `partSize` bytes.
 */
export function planParts(size: number): { partSize: number; partCount: number } {
  const partSize = Math.max(DEFAULT_PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
