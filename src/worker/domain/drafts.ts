/**
 * @module Drafts: incremental versions. Changes (put or remove one path) are collected, possibly from
 * several runs sharing a distributed id, then applied to the base version's pages; only the pages the
 * changes fall in are re-cut, and the result goes through the same commit as a whole manifest.
 */
import {
  canonicalLine,
  comparePaths,
  type LeafPage,
  type ManifestEntry,
  parsePage,
} from "../../shared/manifest.ts";
import { applyChanges, type EntryChange, type LeafMeta } from "../../shared/rechunk.ts";
import { ApiError } from "../errors.ts";
import { requireBlobs, requireRun, requireTypeFits } from "./commit-checks.ts";
import { loadLeaves, requirePageEntries, storePages } from "./manifests.ts";
import {
  type ArtifactScope,
  type CommitOptions,
  commitLeaves,
  resolveInScope,
  type VersionRecord,
} from "./versions.ts";

/** draft_changes has 4 columns: 24 rows per INSERT stay under 100 bound parameters. */
const CHANGE_ROWS_PER_STATEMENT = 24;

export interface DraftView {
  id: string;
  base: string | null;
  distributedId: string | null;
}

interface DraftRow {
  id: string;
  type: string;
  base_version: number | null;
  distributed_id: string | null;
}

function draftView(row: DraftRow): DraftView {
  return {
    id: row.id,
    base: row.base_version === null ? null : `v${row.base_version}`,
    distributedId: row.distributed_id,
  };
}

export async function createDraft(
  env: Env,
  scope: ArtifactScope,
  body: { type: string; base?: string; distributedId?: string },
): Promise<DraftView> {
  await requireTypeFits(env.DB, scope.projectId, scope.name, body.type);
  const base = body.base === undefined ? null : (await resolveInScope(env, scope, body.base)).number;
  const id = crypto.randomUUID();
  // With a distributed id, the first run creates the draft and the others join it.
  await env.DB.prepare(
    `INSERT OR IGNORE INTO drafts (id, team_id, project_id, artifact_name, type, base_version, distributed_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(id, scope.teamId, scope.projectId, scope.name, body.type, base, body.distributedId ?? null)
    .run();
  if (body.distributedId === undefined)
    return { id, base: base === null ? null : `v${base}`, distributedId: null };
  const row = await env.DB.prepare(
    "SELECT * FROM drafts WHERE project_id = ? AND artifact_name = ? AND distributed_id = ?",
  )
    .bind(scope.projectId, scope.name, body.distributedId)
    .first<DraftRow>();
  if (!row) throw new Error("a distributed draft must exist after INSERT OR IGNORE");
  if (row.type !== body.type) {
    throw new ApiError(
      "type_mismatch",
      `draft '${body.distributedId}' has type '${row.type}', not '${body.type}'`,
      {
        type: row.type,
      },
    );
  }
  return draftView(row);
}

async function requireDraft(db: D1Database, scope: ArtifactScope, draftId: string): Promise<DraftRow> {
  const row = await db
    .prepare("SELECT * FROM drafts WHERE id = ? AND team_id = ? AND project_id = ? AND artifact_name = ?")
    .bind(draftId, scope.teamId, scope.projectId, scope.name)
    .first<DraftRow>();
  if (!row) throw new ApiError("not_found", `draft '${draftId}' not found`);
  return row;
}

/**
 * Records changes. In a distributed draft a path already recorded with different content is a 409
 * naming it (two runs disagree); the same content again is fine. All rows are written in one batch.
 */
export async function addDraftChanges(
  env: Env,
  scope: ArtifactScope,
  draftId: string,
  body: { put: ManifestEntry[]; remove: string[]; runId?: string },
): Promise<{ accepted: number }> {
  const draft = await requireDraft(env.DB, scope, draftId);
  if (body.runId) await requireRun(env.DB, scope.teamId, scope.projectId, body.runId);
  const rows = new Map<string, string | null>();
  for (const entry of body.put) addRow(rows, entry.path, canonicalLine(entry));
  for (const path of body.remove) addRow(rows, path, null);
  if (draft.distributed_id !== null) await requireNoConflict(env.DB, draftId, rows);
  const verb = draft.distributed_id !== null ? "INSERT OR IGNORE" : "INSERT OR REPLACE";
  const list = [...rows];
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < list.length; i += CHANGE_ROWS_PER_STATEMENT) {
    const part = list.slice(i, i + CHANGE_ROWS_PER_STATEMENT);
    statements.push(
      env.DB.prepare(
        `${verb} INTO draft_changes (draft_id, path, line, run_id) VALUES ${part.map(() => "(?, ?, ?, ?)").join(", ")}`,
      ).bind(...part.flatMap(([path, line]) => [draftId, path, line, body.runId ?? null])),
    );
  }
  if (statements.length > 0) await env.DB.batch(statements);
  return { accepted: rows.size };
}

function addRow(rows: Map<string, string | null>, path: string, line: string | null): void {
  if (rows.has(path)) {
    throw new ApiError("validation_failed", `path '${path}' appears more than once in these changes`, {
      path,
    });
  }
  rows.set(path, line);
}

async function requireNoConflict(db: D1Database, draftId: string, rows: Map<string, string | null>) {
  const paths = [...rows.keys()];
  for (let i = 0; i < paths.length; i += 2000) {
    const { results } = await db
      .prepare(
        "SELECT path, line FROM draft_changes WHERE draft_id = ?1 AND path IN (SELECT value FROM json_each(?2))",
      )
      .bind(draftId, JSON.stringify(paths.slice(i, i + 2000)))
      .all<{ path: string; line: string | null }>();
    for (const row of results) {
      if (row.line !== rows.get(row.path)) {
        throw new ApiError(
          "path_conflict",
          `path '${row.path}' was already recorded in this draft with different content`,
          { path: row.path },
        );
      }
    }
  }
}

async function loadChanges(db: D1Database, draftId: string): Promise<EntryChange[]> {
  const { results } = await db
    .prepare("SELECT path, line FROM draft_changes WHERE draft_id = ?")
    .bind(draftId)
    .all<{ path: string; line: string | null }>();
  const changes: EntryChange[] = results.map((row) => {
    const entry = row.line === null ? undefined : parsePage(row.line)[0];
    return entry ? { op: "put", entry } : { op: "remove", path: row.path };
  });
  const pathOf = (change: EntryChange) => (change.op === "put" ? change.entry.path : change.path);
  return changes.sort((a, b) => comparePaths(pathOf(a), pathOf(b)));
}

/** Applies the draft to its base, checks and stores only the new pages, commits, then drops the draft. */
export async function commitDraft(
  env: Env,
  scope: ArtifactScope,
  draftId: string,
  options: CommitOptions,
): Promise<{ record: VersionRecord; created: boolean; pagesRead: number; newPages: number }> {
  const draft = await requireDraft(env.DB, scope, draftId);
  await requireTypeFits(env.DB, scope.projectId, scope.name, draft.type);
  if (options.runId) await requireRun(env.DB, scope.teamId, scope.projectId, options.runId);
  const baseLeaves: LeafMeta[] =
    draft.base_version === null
      ? []
      : await loadLeaves(
          env.DB,
          scope.teamId,
          (await resolveInScope(env, scope, `v${draft.base_version}`)).root,
        );
  const changes = await loadChanges(env.DB, draftId);
  const result = await applyChanges(baseLeaves, changes, (digest) =>
    requirePageEntries(env.DB, scope.teamId, digest),
  );
  if (result.missingRemovals.length > 0) {
    throw new ApiError(
      "not_found",
      `the base has no path ${result.missingRemovals
        .slice(0, 10)
        .map((path) => `'${path}'`)
        .join(", ")} to remove`,
      { missing: result.missingRemovals.slice(0, 100) },
    );
  }
  await requireBlobs(
    env.DB,
    scope.teamId,
    result.newPages.flatMap((page) => page.entries),
  );
  await storePages(env.DB, scope.teamId, result.newPages, true);
  const leaves = result.leaves.map((leaf) =>
    "entries" in leaf ? { ...leaf, entryCount: (leaf as LeafPage).entries.length } : leaf,
  );
  // Every run that added to a distributed draft produced the version, not only the one finishing it.
  const contributors = await env.DB.prepare(
    "SELECT DISTINCT run_id FROM draft_changes WHERE draft_id = ? AND run_id IS NOT NULL",
  )
    .bind(draftId)
    .all<{ run_id: string }>();
  const committed = await commitLeaves(env, scope, draft.type, leaves, {
    ...options,
    contributingRunIds: contributors.results.map((row) => row.run_id),
  });
  await env.DB.batch([
    env.DB.prepare("DELETE FROM draft_changes WHERE draft_id = ?").bind(draftId),
    env.DB.prepare("DELETE FROM drafts WHERE id = ?").bind(draftId),
  ]);
  return { ...committed, pagesRead: result.pagesRead, newPages: result.newPages.length };
}

export async function deleteDraft(env: Env, scope: ArtifactScope, draftId: string): Promise<void> {
  await requireDraft(env.DB, scope, draftId);
  await env.DB.batch([
    env.DB.prepare("DELETE FROM draft_changes WHERE draft_id = ?").bind(draftId),
    env.DB.prepare("DELETE FROM drafts WHERE id = ?").bind(draftId),
  ]);
}
