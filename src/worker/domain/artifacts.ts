/** @module Listing artifacts of a project from the D1 mirror, with their latest version and aliases. */
import type { ArtifactView } from "../../shared/views.ts";
import { ApiError } from "../errors.ts";

interface ArtifactRow {
  id: string;
  name: string;
  type: string;
  description: string;
  created_at: number;
  updated_at: number;
  version_count: number;
  latest_version: number | null;
  latest_digest: string | null;
  latest_size: number | null;
  latest_files: number | null;
  latest_created_at: number | null;
}

const SELECT_ARTIFACTS = `
  SELECT a.id, a.name, a.type, a.description, a.created_at, a.updated_at,
    (SELECT COUNT(*) FROM versions v WHERE v.artifact_id = a.id AND v.deleted_at IS NULL) AS version_count,
    lv.number AS latest_version, lv.digest AS latest_digest, lv.total_size AS latest_size,
    lv.file_count AS latest_files, lv.created_at AS latest_created_at
  FROM artifacts a
  LEFT JOIN aliases l ON l.artifact_id = a.id AND l.alias = 'latest'
  LEFT JOIN versions lv ON lv.artifact_id = a.id AND lv.number = l.version`;

export async function listArtifacts(
  db: D1Database,
  projectId: string,
  filter: { type?: string; name?: string },
): Promise<ArtifactView[]> {
  const conditions = ["a.project_id = ?"];
  const params: string[] = [projectId];
  if (filter.type !== undefined) {
    conditions.push("a.type = ?");
    params.push(filter.type);
  }
  if (filter.name !== undefined) {
    conditions.push("a.name = ?");
    params.push(filter.name);
  }
  const where = conditions.join(" AND ");
  const [artifactRows, aliasRows] = await db.batch([
    db.prepare(`${SELECT_ARTIFACTS} WHERE ${where} ORDER BY a.name`).bind(...params),
    db
      .prepare(
        `SELECT l.artifact_id, l.alias, l.version FROM aliases l JOIN artifacts a ON a.id = l.artifact_id
         WHERE ${where} ORDER BY l.alias`,
      )
      .bind(...params),
  ]);
  const aliasesOf = new Map<string, { alias: string; version: number }[]>();
  for (const row of (aliasRows?.results ?? []) as { artifact_id: string; alias: string; version: number }[]) {
    const list = aliasesOf.get(row.artifact_id) ?? [];
    list.push({ alias: row.alias, version: row.version });
    aliasesOf.set(row.artifact_id, list);
  }
  return ((artifactRows?.results ?? []) as ArtifactRow[]).map((row) => ({
    name: row.name,
    type: row.type,
    description: row.description,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    versionCount: row.version_count,
    latest:
      row.latest_version === null
        ? null
        : {
            version: row.latest_version,
            digest: row.latest_digest ?? "",
            size: row.latest_size ?? 0,
            files: row.latest_files ?? 0,
            createdAt: new Date(row.latest_created_at ?? 0).toISOString(),
          },
    aliases: aliasesOf.get(row.id) ?? [],
  }));
}

export async function getArtifact(db: D1Database, projectId: string, name: string): Promise<ArtifactView> {
  const [artifact] = await listArtifacts(db, projectId, { name });
  if (!artifact) throw new ApiError("not_found", `artifact '${name}' not found`);
  return artifact;
}
