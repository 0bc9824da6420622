/**
 * @module Versions: commit (whole manifests as pages or inline entries), resolution of `vN` / alias /
 * `alias@instant`, listing, metadata updates and deletion. Numbers and aliases are decided by the
 * artifact's Durable Object; D1 is read for `vN` and listings.
 */
import type { CommitVersionBody } from "../../shared/api.ts";
import { manifestDigest } from "../../shared/manifest.ts";
import { NAME_PATTERN } from "../../shared/names.ts";
import type { LeafMeta } from "../../shared/rechunk.ts";
import { versionNumber } from "../../shared/ref.ts";
import type { VersionView } from "../../shared/views.ts";
import { createDb } from "../db/client.ts";
import { type VersionRow, versionFromRow } from "../db/version-row.ts";
import { artifactClient } from "../do/artifact-stub.ts";
import type { StoredVersion, VersionPatch } from "../do/artifact-types.ts";
import { ApiError } from "../errors.ts";
import {
  checkedLeaves,
  pagesFromEntries,
  requireBlobs,
  requireRun,
  requireTypeFits,
} from "./commit-checks.ts";
import { storeIndexPages, storePages } from "./manifests.ts";
import { requireProject } from "./teams.ts";

/** A live version with everything needed to address and shape it. Times are epoch milliseconds. */
export interface VersionRecord extends StoredVersion {
  teamId: string;
  projectId: string;
  projectName: string;
  artifactId: string;
  artifactName: string;
  type: string;
}

/** The artifact a route names: its project is resolved (404 when unknown), the artifact may not exist. */
export interface ArtifactScope {
  teamId: string;
  projectId: string;
  projectName: string;
  name: string;
}

export type CommitOptions = Pick<
  CommitVersionBody,
  "aliases" | "metadata" | "description" | "tags" | "runId"
>;

export function versionView(record: VersionRecord, teamName: string): VersionView {
  return {
    artifact: record.artifactName,
    type: record.type,
    version: record.number,
    ref: `${teamName}/${record.projectName}/${record.artifactName}:v${record.number}`,
    digest: record.digest,
    size: record.totalSize,
    files: record.fileCount,
    aliases: record.aliases,
    metadata: record.metadata,
    description: record.description,
    tags: record.tags,
    runId: record.runId,
    createdAt: new Date(record.createdAt).toISOString(),
  };
}

export async function artifactScope(
  env: Env,
  teamId: string,
  projectName: string,
  name: string,
): Promise<ArtifactScope> {
  const project = await requireProject(createDb(env.DB), teamId, projectName);
  if (!NAME_PATTERN.test(name)) throw new ApiError("not_found", `artifact '${name}' not found`);
  return { teamId, projectId: project.id, projectName: project.name, name };
}

export function clientOf(env: Env, scope: ArtifactScope) {
  return artifactClient(env, scope.teamId, scope.projectId, scope.name);
}

/** Splits `alias@2026-01-31T12:00:00Z` into the alias and the instant (epoch ms). */
export function parseSelector(selector: string): { name: string; atMs?: number } {
  const at = selector.indexOf("@");
  if (at < 0) return { name: selector };
  const instant = selector.slice(at + 1);
  const atMs = Date.parse(instant);
  if (Number.isNaN(atMs)) {
    throw new ApiError("validation_failed", `'${instant}' is not an ISO instant (e.g. 2026-01-31T12:00:00Z)`);
  }
  return { name: selector.slice(0, at), atMs };
}

/**
 * The live version `selector` names (`vN`, an alias, or `alias@instant`): 404 when the project, the
 * artifact or the version is unknown. `vN` is read from D1; aliases are asked of the artifact object.
 */
export async function resolveVersion(
  env: Env,
  teamId: string,
  projectName: string,
  artifactName: string,
  selector: string,
): Promise<VersionRecord> {
  const scope = await artifactScope(env, teamId, projectName, artifactName);
  return resolveInScope(env, scope, selector);
}

export async function resolveInScope(
  env: Env,
  scope: ArtifactScope,
  selector: string,
): Promise<VersionRecord> {
  const { name, atMs } = parseSelector(selector);
  if (!NAME_PATTERN.test(name)) throw new ApiError("not_found", `version '${selector}' not found`);
  const number = atMs === undefined ? versionNumber(name) : null;
  if (number !== null) {
    const fromMirror = await readMirroredVersion(env.DB, scope, number);
    if (fromMirror) return fromMirror;
  }
  // Aliases, and any `vN` the mirror does not show (yet), are answered by the source of truth.
  const resolved = await clientOf(env, scope).resolve(name, atMs);
  return { ...scope, ...resolved, artifactName: scope.name };
}

/** A D1 version row joined with what the reads here need of its artifact. */
interface MirroredVersionRow extends VersionRow {
  artifact_id: string;
  type: string;
}

async function readMirroredVersion(
  db: D1Database,
  scope: ArtifactScope,
  number: number,
): Promise<VersionRecord | null> {
  const [rows, aliasRows] = await db.batch([
    db
      .prepare(
        `SELECT v.*, a.type FROM artifacts a JOIN versions v ON v.artifact_id = a.id
         WHERE a.project_id = ? AND a.name = ? AND v.number = ? AND v.deleted_at IS NULL`,
      )
      .bind(scope.projectId, scope.name, number),
    db
      .prepare(
        `SELECT l.alias FROM artifacts a JOIN aliases l ON l.artifact_id = a.id
         WHERE a.project_id = ? AND a.name = ? AND l.version = ? ORDER BY l.alias`,
      )
      .bind(scope.projectId, scope.name, number),
  ]);
  const row = rows?.results[0] as MirroredVersionRow | undefined;
  if (!row) return null;
  return {
    ...scope,
    artifactName: scope.name,
    artifactId: row.artifact_id,
    type: row.type,
    ...versionFromRow(row),
    aliases: ((aliasRows?.results ?? []) as { alias: string }[]).map((alias) => alias.alias),
  };
}

/**
 * Commits a whole manifest. Every check (run, type, pages, blobs) passes before the artifact object is
 * asked for a number, so a refused commit leaves no artifact and no version behind.
 */
export async function commitVersion(
  env: Env,
  scope: ArtifactScope,
  body: CommitVersionBody,
): Promise<{ record: VersionRecord; created: boolean }> {
  await requireTypeFits(env.DB, scope.projectId, scope.name, body.type);
  if (body.runId) await requireRun(env.DB, scope.teamId, scope.projectId, body.runId);
  let leaves: LeafMeta[];
  if (body.entries) {
    const pages = pagesFromEntries(body.entries);
    await requireBlobs(env.DB, scope.teamId, body.entries);
    await storePages(env.DB, scope.teamId, pages, true);
    leaves = pages.map((page) => ({ ...page, entryCount: page.entries.length }));
  } else {
    leaves = await checkedLeaves(env.DB, scope.teamId, body.pages ?? []);
  }
  return commitLeaves(env, scope, body.type, leaves, body);
}

/**
 * The last step of every commit (whole or from a draft): leaves already stored and their blobs checked.
 * Stores the index pages and asks the artifact object to record the version.
 */
export async function commitLeaves(
  env: Env,
  scope: ArtifactScope,
  type: string,
  leaves: readonly LeafMeta[],
  options: CommitOptions & { contributingRunIds?: string[] },
): Promise<{ record: VersionRecord; created: boolean }> {
  const metas = leaves.map(({ digest, firstPath, lastPath, entryCount, bytes }) => ({
    digest,
    firstPath,
    lastPath,
    entryCount,
    bytes,
  }));
  const root = await storeIndexPages(env.DB, scope.teamId, metas);
  let fileCount = 0;
  let totalSize = 0;
  for (const leaf of metas) {
    fileCount += leaf.entryCount;
    totalSize += leaf.bytes;
  }
  const output = await clientOf(env, scope).commit({
    identity: { teamId: scope.teamId, projectId: scope.projectId, name: scope.name },
    type,
    digest: manifestDigest(metas.map((leaf) => leaf.digest)),
    root,
    fileCount,
    totalSize,
    metadata: options.metadata,
    description: options.description,
    tags: options.tags,
    runId: options.runId ?? null,
    contributingRunIds: options.contributingRunIds ?? [],
    aliases: options.aliases,
  });
  return {
    record: {
      ...scope,
      artifactName: scope.name,
      artifactId: output.artifactId,
      type: output.type,
      ...output.version,
    },
    created: output.created,
  };
}

/** Live versions, newest first; the cursor is the last number returned. */
export async function listVersions(
  env: Env,
  scope: ArtifactScope,
  cursor: string | undefined,
  limit: number,
): Promise<{ versions: VersionRecord[]; nextCursor: string | null }> {
  const artifact = await requireArtifact(env.DB, scope);
  const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(cursor);
  if (!Number.isInteger(before))
    throw new ApiError("validation_failed", "invalid query: cursor is not valid");
  const [rows, aliasRows] = await env.DB.batch([
    env.DB.prepare(
      `SELECT * FROM versions WHERE artifact_id = ? AND deleted_at IS NULL AND number < ?
       ORDER BY number DESC LIMIT ?`,
    ).bind(artifact.id, before, limit + 1),
    env.DB.prepare("SELECT alias, version FROM aliases WHERE artifact_id = ? ORDER BY alias").bind(
      artifact.id,
    ),
  ]);
  const aliasesOf = new Map<number, string[]>();
  for (const row of (aliasRows?.results ?? []) as { alias: string; version: number }[]) {
    aliasesOf.set(row.version, [...(aliasesOf.get(row.version) ?? []), row.alias]);
  }
  const page = ((rows?.results ?? []) as MirroredVersionRow[]).slice(0, limit + 1);
  const more = page.length > limit;
  const versions = page.slice(0, limit).map((row) => ({
    ...scope,
    artifactName: scope.name,
    artifactId: artifact.id,
    type: artifact.type,
    ...versionFromRow(row),
    aliases: aliasesOf.get(row.number) ?? [],
  }));
  const last = versions[versions.length - 1];
  return { versions, nextCursor: more && last ? String(last.number) : null };
}

export async function requireArtifact(db: D1Database, scope: ArtifactScope) {
  const row = await db
    .prepare("SELECT id, type FROM artifacts WHERE project_id = ? AND name = ?")
    .bind(scope.projectId, scope.name)
    .first<{ id: string; type: string }>();
  if (!row) throw new ApiError("not_found", `artifact '${scope.name}' not found`);
  return row;
}

/** PATCH: metadata, description and tags only; the manifest of a version never changes. */
export async function updateVersion(
  env: Env,
  scope: ArtifactScope,
  selector: string,
  patch: VersionPatch,
): Promise<VersionRecord> {
  const record = await resolveInScope(env, scope, selector);
  const updated = await clientOf(env, scope).updateVersion(record.number, patch);
  return { ...record, ...updated };
}

export async function deleteVersion(
  env: Env,
  scope: ArtifactScope,
  selector: string,
  deleteAliases: boolean,
): Promise<VersionRecord> {
  const record = await resolveInScope(env, scope, selector);
  const deleted = await clientOf(env, scope).deleteVersion(record.number, deleteAliases);
  return { ...record, ...deleted };
}
