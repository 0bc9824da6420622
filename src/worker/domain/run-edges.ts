/**
 * @module The edges of one run or one version: record an input (useArtifact), list a run's inputs and
 * outputs, and a version's `loggedBy` / `usedBy` runs.
 */
import { parseRef } from "../../shared/ref.ts";
import type { VersionView } from "../../shared/views.ts";
import { createDb } from "../db/client.ts";
import { type VersionRow, versionFromRow } from "../db/version-row.ts";
import { ApiError } from "../errors.ts";
import {
  closedConflict,
  projectNamesOf,
  type RunRow,
  type RunView,
  requireRun,
  runsById,
  runView,
} from "./runs.ts";
import { resolveVersion, type VersionRecord, versionView } from "./versions.ts";

export interface RunScope {
  teamId: string;
  teamName: string;
  projectId: string;
  projectName: string;
}

/** A run lists at most this many inputs and as many outputs; a version at most this many users. */
export const EDGE_LIST_MAX = 1000;

/** A version as a run's input or output: deleted ones stay listed (lineage must stay explainable). */
export type EdgeVersionView = VersionView & { deleted?: true };

/**
 * Records that the run used the version `ref` names at this moment (an alias is resolved now; moving it
 * later does not move the edge). Idempotent: the edge is inserted with INSERT OR IGNORE. Another team in
 * the reference is a 404, like any unknown artifact.
 */
export async function useArtifact(
  env: Env,
  scope: RunScope,
  runId: string,
  ref: string,
): Promise<VersionView> {
  const run = await requireRun(createDb(env.DB), scope, runId);
  if (run.finishedAt !== null) throw closedConflict(run);
  let parsed: ReturnType<typeof parseRef>;
  try {
    parsed = parseRef(ref, { team: scope.teamName, project: scope.projectName });
  } catch (error) {
    throw new ApiError("validation_failed", `invalid body: ref: ${(error as Error).message}`);
  }
  if (parsed.team !== scope.teamName) throw new ApiError("not_found", `artifact '${parsed.name}' not found`);
  const selector = parsed.at ? `${parsed.selector}@${parsed.at}` : parsed.selector;
  const record = await resolveVersion(env, scope.teamId, parsed.project, parsed.name, selector);
  const at = Date.now();
  // The edge is written only while the run is open, in the same batch that refreshes its heartbeat, so a
  // run closed between the check above and this write gets no new input.
  const [touched] = await env.DB.batch<{ id: string }>([
    env.DB.prepare(
      "UPDATE runs SET heartbeat_at = ?, status = 'running' WHERE id = ? AND finished_at IS NULL RETURNING id",
    ).bind(at, run.id),
    env.DB.prepare(
      `INSERT OR IGNORE INTO lineage_edges (team_id, run_id, artifact_id, version, direction, created_at)
       SELECT ?, ?, ?, ?, 'input', ? WHERE EXISTS (SELECT 1 FROM runs WHERE id = ? AND finished_at IS NULL)`,
    ).bind(scope.teamId, run.id, record.artifactId, record.number, at, run.id),
  ]);
  if (!touched?.results.length) {
    const now = await requireRun(createDb(env.DB), scope, runId);
    throw closedConflict(now);
  }
  return versionView(record, scope.teamName);
}

/** A D1 version row with its edge, artifact and project. */
interface EdgeVersionRow extends VersionRow {
  direction: "input" | "output";
  artifact_id: string;
  artifact_name: string;
  type: string;
  project_id: string;
  project_name: string;
}

const EDGE_VERSIONS_SQL = `
  SELECT e.direction, a.id AS artifact_id, a.name AS artifact_name, a.type, a.project_id,
         p.name AS project_name, v.number, v.digest, v.root, v.file_count, v.total_size, v.metadata,
         v.description, v.tags, v.run_id, v.created_at, v.deleted_at
    FROM lineage_edges AS e
    JOIN versions AS v ON v.artifact_id = e.artifact_id AND v.number = e.version
    JOIN artifacts AS a ON a.id = e.artifact_id
    JOIN projects AS p ON p.id = a.project_id
   WHERE e.team_id = ? AND e.run_id = ? AND e.direction = ?
   ORDER BY e.created_at, a.name, v.number
   LIMIT ${EDGE_LIST_MAX}`;

/** The versions a run used and logged (at most EDGE_LIST_MAX of each), oldest edge first. */
export async function runInputsAndOutputs(
  env: Env,
  scope: RunScope,
  runId: string,
): Promise<{ inputs: EdgeVersionView[]; outputs: EdgeVersionView[] }> {
  const [inputs, outputs, aliasRows] = await env.DB.batch<Record<string, unknown>>([
    env.DB.prepare(EDGE_VERSIONS_SQL).bind(scope.teamId, runId, "input"),
    env.DB.prepare(EDGE_VERSIONS_SQL).bind(scope.teamId, runId, "output"),
    env.DB.prepare(
      `SELECT l.artifact_id, l.version, l.alias FROM lineage_edges AS e
         JOIN aliases AS l ON l.artifact_id = e.artifact_id AND l.version = e.version
        WHERE e.team_id = ? AND e.run_id = ? ORDER BY l.alias`,
    ).bind(scope.teamId, runId),
  ]);
  const aliases = new Map<string, Set<string>>();
  for (const row of aliasRows?.results ?? []) {
    const key = `${row.artifact_id}:${row.version}`;
    aliases.set(key, (aliases.get(key) ?? new Set()).add(String(row.alias)));
  }
  const view = (row: EdgeVersionRow): EdgeVersionView => {
    const record: VersionRecord = {
      teamId: scope.teamId,
      projectId: row.project_id,
      projectName: row.project_name,
      artifactId: row.artifact_id,
      artifactName: row.artifact_name,
      type: row.type,
      ...versionFromRow(row),
      aliases: row.deleted_at === null ? [...(aliases.get(`${row.artifact_id}:${row.number}`) ?? [])] : [],
    };
    return { ...versionView(record, scope.teamName), ...(row.deleted_at === null ? {} : { deleted: true }) };
  };
  return {
    inputs: ((inputs?.results ?? []) as unknown as EdgeVersionRow[]).map(view),
    outputs: ((outputs?.results ?? []) as unknown as EdgeVersionRow[]).map(view),
  };
}

/**
 * The run that logged a version (the one whose commit created it, else the first run that logged the
 * same content again) and the runs that used it, first use first.
 */
export async function versionRuns(
  env: Env,
  team: { teamId: string },
  record: VersionRecord,
): Promise<{ loggedBy: RunView | null; usedBy: RunView[] }> {
  const { results } = await env.DB.prepare(
    `SELECT run_id, direction FROM lineage_edges
      WHERE team_id = ? AND artifact_id = ? AND version = ?
      ORDER BY created_at, run_id LIMIT ${EDGE_LIST_MAX + 1}`,
  )
    .bind(team.teamId, record.artifactId, record.number)
    .all<{ run_id: string; direction: "input" | "output" }>();
  const firstOutput = results.find((row) => row.direction === "output")?.run_id ?? null;
  const loggedById = record.runId ?? firstOutput;
  const usedIds = results.filter((row) => row.direction === "input").map((row) => row.run_id);
  const ids = [...new Set([...(loggedById ? [loggedById] : []), ...usedIds])];
  const db = createDb(env.DB);
  const rows = await runsById(db, team.teamId, ids);
  const names = await projectNamesOf(db, rows.values());
  const view = (row: RunRow) => runView(row, names.get(row.projectId) ?? "");
  const logged = loggedById ? rows.get(loggedById) : undefined;
  return {
    loggedBy: logged ? view(logged) : null,
    usedBy: usedIds.flatMap((id) => {
      const row = rows.get(id);
      return row ? [view(row)] : [];
    }),
  };
}
