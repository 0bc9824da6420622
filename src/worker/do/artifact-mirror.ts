/**
 * @module Writing the artifact object's decisions to the D1 mirror (`artifacts`, `versions`, `aliases`,
 * `lineage_edges`). Every statement is idempotent, so a mirror can be replayed any number of times.
 */
import { VERSION_COLUMNS, versionValues } from "../db/version-row.ts";
import type { ArtifactStore } from "./artifact-storage.ts";
import type { StoredVersion } from "./artifact-types.ts";

/** D1 batches stay well inside the 30 s limit even for a full repair of a long-lived artifact. */
const VERSIONS_PER_BATCH = 100;

interface Snapshot {
  versions: { version: StoredVersion; dirty: number }[];
  edges: { runId: string; version: number; createdAt: number; dirty: number }[];
  aliasesDirty: number;
}

export function hasDirty(store: ArtifactStore): boolean {
  if (Number(store.getMeta("aliasesDirty") ?? "0") !== 0) return true;
  return store.dirtyVersions().length > 0 || store.dirtyEdges().length > 0;
}

/**
 * Mirrors everything marked dirty at the moment of the call (the snapshot is taken before the first
 * `await`), then clears exactly those marks that did not change meanwhile.
 */
export async function mirrorDirty(store: ArtifactStore, db: D1Database): Promise<void> {
  const artifactId = store.getMeta("artifactId");
  const teamId = store.getMeta("teamId");
  const projectId = store.getMeta("projectId");
  const name = store.getMeta("name");
  const type = store.getMeta("type");
  if (!artifactId || !teamId || !projectId || !name || !type) return;
  const snapshot: Snapshot = {
    versions: store.dirtyVersions(),
    edges: store.dirtyEdges(),
    aliasesDirty: Number(store.getMeta("aliasesDirty") ?? "0"),
  };
  if (snapshot.versions.length === 0 && snapshot.edges.length === 0 && snapshot.aliasesDirty === 0) return;
  const aliasRows = store.aliases();
  const createdAt = Number(store.getMeta("createdAt") ?? Date.now());
  const updatedAt = Number(store.getMeta("updatedAt") ?? createdAt);

  const artifactRow = db
    .prepare(
      `INSERT INTO artifacts (id, team_id, project_id, name, type, description, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, '', ?, ?)
       ON CONFLICT (id) DO UPDATE SET updated_at = MAX(updated_at, excluded.updated_at)`,
    )
    .bind(artifactId, teamId, projectId, name, type, createdAt, updatedAt);

  const versionBatches: D1PreparedStatement[][] = [];
  for (let i = 0; i < snapshot.versions.length; i += VERSIONS_PER_BATCH) {
    versionBatches.push(
      snapshot.versions
        .slice(i, i + VERSIONS_PER_BATCH)
        .map(({ version }) => versionStatement(db, artifactId, teamId, version)),
    );
  }
  const last: D1PreparedStatement[] = [];
  if (snapshot.aliasesDirty !== 0) {
    last.push(db.prepare("DELETE FROM aliases WHERE artifact_id = ?").bind(artifactId));
    for (const row of aliasRows) {
      last.push(
        db
          .prepare("INSERT INTO aliases (artifact_id, alias, version, updated_at) VALUES (?, ?, ?, ?)")
          .bind(artifactId, row.alias, row.version, updatedAt),
      );
    }
  }
  for (const edge of snapshot.edges) {
    last.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO lineage_edges (team_id, run_id, artifact_id, version, direction, created_at)
           VALUES (?, ?, ?, ?, 'output', ?)`,
        )
        .bind(teamId, edge.runId, artifactId, edge.version, edge.createdAt),
    );
  }
  // The artifact row goes first in each batch so a version row never exists without it.
  const batches = versionBatches.length > 0 ? versionBatches : [[]];
  const lastBatch = batches[batches.length - 1];
  if (lastBatch) lastBatch.push(...last);
  for (const batch of batches) await db.batch([artifactRow, ...batch]);

  for (const { version, dirty } of snapshot.versions) store.clearVersionDirty(version.number, dirty);
  for (const edge of snapshot.edges) store.clearEdgeDirty(edge.runId, edge.version, edge.dirty);
  if (Number(store.getMeta("aliasesDirty") ?? "0") === snapshot.aliasesDirty)
    store.setMeta("aliasesDirty", 0);
}

function versionStatement(
  db: D1Database,
  artifactId: string,
  teamId: string,
  version: StoredVersion,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR REPLACE INTO versions (artifact_id, team_id, ${VERSION_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(artifactId, teamId, ...versionValues(version));
}
