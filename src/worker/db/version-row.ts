/**
 * @module A version as a SQL row, both ways. The artifact object's SQLite `versions` table and D1's mirror
 * of it (schema.ts) share these columns on purpose, so one encoding serves the object, the mirror writer
 * and every D1 reader.
 */
import type { StoredVersion } from "../do/artifact-types.ts";

/** The version's own columns; root, metadata and tags are JSON text. */
export interface VersionRow {
  number: number;
  digest: string;
  root: string;
  file_count: number;
  total_size: number;
  metadata: string;
  description: string;
  tags: string;
  run_id: string | null;
  created_at: number;
  deleted_at: number | null;
}

/** The columns of VersionRow in the order `versionValues` binds them. */
export const VERSION_COLUMNS =
  "number, digest, root, file_count, total_size, metadata, description, tags, run_id, created_at, deleted_at";

export function versionFromRow(row: VersionRow): Omit<StoredVersion, "aliases"> {
  return {
    number: row.number,
    digest: row.digest,
    root: JSON.parse(row.root) as string[],
    fileCount: row.file_count,
    totalSize: row.total_size,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    runId: row.run_id,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

/** The values to bind for VERSION_COLUMNS, in that order. */
export function versionValues(version: Omit<StoredVersion, "aliases">): (string | number | null)[] {
  return [
    version.number,
    version.digest,
    JSON.stringify(version.root),
    version.fileCount,
    version.totalSize,
    JSON.stringify(version.metadata),
    version.description,
    JSON.stringify(version.tags),
    version.runId,
    version.createdAt,
    version.deletedAt,
  ];
}
