/**
 * @module Runs: create, list, read, update, heartbeat, finish, and the staleness rule (a `running` run
 * silent for 10 minutes is `crashed`). A run is *closed* once `finished_at` is set; a run crashed only by
 * staleness is not closed and comes back to `running` the moment it proves it is alive.
 */
import { and, desc, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { RUN_STATUSES } from "../../shared/api.ts";
import { type Db, newId } from "../db/client.ts";
import { projects, runs } from "../db/schema.ts";
import { ApiError, notFound } from "../errors.ts";

export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunRow = typeof runs.$inferSelect;

/** A `running` run whose last heartbeat is older than this is `crashed`. */
export const STALE_AFTER_MS = 10 * 60 * 1000;
/** The summary is merged patch by patch; this bounds what the merges can grow to. */
export const SUMMARY_MAX_BYTES = 256 * 1024;
const D1_MAX_PARAMS = 100;
const ROWID = sql<number>`${runs}.rowid`;

export interface RunView {
  id: string;
  name: string;
  project: string;
  jobType: string;
  group: string;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  status: RunStatus;
  /** ISO 8601 instants, like every time in the API. */
  createdAt: string;
  heartbeatAt: string;
  /** Set when the run was closed (finish, or PATCH with a final status); null while open. */
  finishedAt: string | null;
}

interface ProjectScope {
  teamId: string;
  projectId: string;
  projectName: string;
}

/** The status as the staleness rule sees it at `at` (used where the row was read without the UPDATE). */
export function effectiveStatus(row: Pick<RunRow, "status" | "heartbeatAt">, at = Date.now()): RunStatus {
  return row.status === "running" && row.heartbeatAt < at - STALE_AFTER_MS ? "crashed" : row.status;
}

export function runView(row: RunRow, projectName: string, at = Date.now()): RunView {
  return {
    id: row.id,
    name: row.name,
    project: projectName,
    jobType: row.jobType,
    group: row.group,
    config: parseObject(row.config),
    summary: parseObject(row.summary),
    status: effectiveStatus(row, at),
    createdAt: new Date(row.createdAt).toISOString(),
    heartbeatAt: new Date(row.heartbeatAt).toISOString(),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt).toISOString(),
  };
}

/**
 * Persists the staleness rule for the runs a read is about to show. The WHERE repeats the rule, so a
 * heartbeat that lands concurrently is never overwritten by a stale guess.
 */
export async function markStaleRuns(db: Db, where: { projectId: string } | { runIds: string[] }) {
  const cutoff = Date.now() - STALE_AFTER_MS;
  const stale = and(eq(runs.status, "running"), lt(runs.heartbeatAt, cutoff));
  if ("projectId" in where) {
    await db
      .update(runs)
      .set({ status: "crashed" })
      .where(and(eq(runs.projectId, where.projectId), stale));
    return;
  }
  // Three parameters besides the ids: the new status, 'running' and the cutoff.
  for (let i = 0; i < where.runIds.length; i += D1_MAX_PARAMS - 3) {
    const batch = where.runIds.slice(i, i + D1_MAX_PARAMS - 3);
    await db
      .update(runs)
      .set({ status: "crashed" })
      .where(and(inArray(runs.id, batch), stale));
  }
}

export async function createRun(
  db: Db,
  scope: ProjectScope,
  body: { name?: string; jobType: string; group: string; config: Record<string, unknown> },
): Promise<RunView> {
  const id = newId();
  const at = Date.now();
  const row: RunRow = {
    id,
    teamId: scope.teamId,
    projectId: scope.projectId,
    name: body.name ?? `${body.jobType || "run"}-${id.slice(0, 8)}`,
    jobType: body.jobType,
    group: body.group,
    config: JSON.stringify(body.config),
    summary: "{}",
    status: "running",
    createdAt: at,
    heartbeatAt: at,
    finishedAt: null,
  };
  await db.insert(runs).values(row);
  return runView(row, scope.projectName, at);
}

export interface RunPage {
  runs: RunView[];
  nextCursor: string | null;
}

/**
 * Newest first. Runs started in the same millisecond are ordered by rowid (insertion order), which the
 * `(project_id, created_at)` index carries. The cursor is `<createdAt>.<rowid>` (opaque to clients).
 */
export async function listRuns(
  db: Db,
  scope: ProjectScope,
  options: { status?: RunStatus; cursor?: string; limit: number },
): Promise<RunPage> {
  await markStaleRuns(db, { projectId: scope.projectId });
  const conditions: SQL[] = [eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId)];
  if (options.status) conditions.push(eq(runs.status, options.status));
  if (options.cursor) {
    const after = parseCursor(options.cursor);
    const older = or(
      lt(runs.createdAt, after.createdAt),
      and(eq(runs.createdAt, after.createdAt), lt(ROWID, after.rowid)),
    );
    if (older) conditions.push(older);
  }
  const rows = await db
    .select({ run: runs, rowid: ROWID })
    .from(runs)
    .where(and(...conditions))
    .orderBy(desc(runs.createdAt), desc(ROWID))
    .limit(options.limit + 1)
    .all();
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    runs: page.map((row) => runView(row.run, scope.projectName)),
    nextCursor: rows.length > options.limit && last ? `${last.run.createdAt}.${last.rowid}` : null,
  };
}

function parseCursor(cursor: string): { createdAt: number; rowid: number } {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(cursor);
  if (!match?.[1] || !match[2]) throw new ApiError("validation_failed", "invalid query: cursor is malformed");
  return { createdAt: Number(match[1]), rowid: Number(match[2]) };
}

/** The run, with the staleness rule applied; another project's or team's run is a 404. */
export async function requireRun(db: Db, scope: ProjectScope, runId: string): Promise<RunRow> {
  await markStaleRuns(db, { runIds: [runId] });
  const row = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId)))
    .get();
  if (!row) throw notFound(`run '${runId}'`);
  return row;
}

export function closedConflict(row: RunRow): ApiError {
  return new ApiError(
    "conflict",
    `run '${row.id}' is ${row.status} and closed; start a new run to record more inputs or outputs`,
    { status: row.status, finishedAt: row.finishedAt },
  );
}

/**
 * Refreshes the heartbeat of an open run (reviving one that staleness had marked crashed). Throws 404 for
 * an unknown run of the team (or of the project, when given) and 409 for a closed one. This is the check
 * every write that touches a run goes through: heartbeat, inputs, and commits with a runId.
 */
export async function touchOpenRun(
  db: Db,
  teamId: string,
  runId: string,
  projectId?: string,
): Promise<RunRow> {
  const scoped = [eq(runs.id, runId), eq(runs.teamId, teamId)];
  if (projectId) scoped.push(eq(runs.projectId, projectId));
  const [touched] = await db
    .update(runs)
    .set({ status: "running", heartbeatAt: Date.now() })
    .where(and(...scoped, isNull(runs.finishedAt)))
    .returning();
  if (touched) return touched;
  const row = await db
    .select()
    .from(runs)
    .where(and(...scoped))
    .get();
  if (!row) throw notFound(`run '${runId}'`);
  throw closedConflict(row);
}

/**
 * Applies `{status?, summary?}`. The summary is merged as a JSON merge patch (RFC 7396: a null value
 * deletes a key), atomically in SQL, so two writers' keys do not erase each other. A final status closes
 * the run; `running` reopens one crashed only by staleness; a closed run keeps its status (409), but its
 * summary may still be written (final metrics often arrive after the end).
 */
export async function updateRun(
  db: Db,
  scope: ProjectScope,
  runId: string,
  patch: { status?: RunStatus; summary?: Record<string, unknown> },
): Promise<RunView> {
  let row = await requireRun(db, scope, runId);
  if (patch.status === "running") row = await touchOpenRun(db, scope.teamId, runId);
  else if (patch.status !== undefined) row = await closeRun(db, row, patch.status);
  if (patch.summary !== undefined) {
    const json = JSON.stringify(patch.summary);
    const [merged] = await db
      .update(runs)
      .set({ summary: sql`json_patch(${runs.summary}, ${json})` })
      .where(
        and(eq(runs.id, runId), sql`length(json_patch(${runs.summary}, ${json})) <= ${SUMMARY_MAX_BYTES}`),
      )
      .returning();
    if (!merged) {
      throw new ApiError(
        "payload_too_large",
        `the merged summary would exceed ${SUMMARY_MAX_BYTES} bytes; remove keys with null or log less`,
      );
    }
    row = merged;
  }
  return runView(row, scope.projectName);
}

/** Closes the run with a final status. Repeating the same final status is a no-op (a retried finish). */
export async function finishRun(
  db: Db,
  scope: ProjectScope,
  runId: string,
  status: Exclude<RunStatus, "running">,
): Promise<RunView> {
  const row = await requireRun(db, scope, runId);
  return runView(await closeRun(db, row, status), scope.projectName);
}

async function closeRun(db: Db, row: RunRow, status: RunStatus): Promise<RunRow> {
  if (status === "running") throw new ApiError("validation_failed", "a run is closed with a final status");
  const [closed] = await db
    .update(runs)
    .set({ status, finishedAt: Date.now() })
    .where(and(eq(runs.id, row.id), isNull(runs.finishedAt)))
    .returning();
  if (closed) return closed;
  const now = await db.select().from(runs).where(eq(runs.id, row.id)).get();
  if (now && now.status === status) return now;
  throw closedConflict(now ?? row);
}

export async function heartbeatRun(db: Db, scope: ProjectScope, runId: string): Promise<RunView> {
  return runView(await touchOpenRun(db, scope.teamId, runId, scope.projectId), scope.projectName);
}

/** Runs by id (any project of the team), staleness applied, for lineage and version views. */
export async function runsById(db: Db, teamId: string, ids: string[]): Promise<Map<string, RunRow>> {
  const found = new Map<string, RunRow>();
  if (ids.length === 0) return found;
  await markStaleRuns(db, { runIds: ids });
  for (let i = 0; i < ids.length; i += D1_MAX_PARAMS - 2) {
    const batch = ids.slice(i, i + D1_MAX_PARAMS - 2);
    const rows = await db
      .select()
      .from(runs)
      .where(and(eq(runs.teamId, teamId), inArray(runs.id, batch)))
      .all();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/** Names of the projects the runs belong to (a run's view names its project). */
export async function projectNamesOf(db: Db, rows: Iterable<RunRow>): Promise<Map<string, string>> {
  const ids = [...new Set([...rows].map((row) => row.projectId))];
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += D1_MAX_PARAMS - 1) {
    const found = await db
      .select({ id: projects.id, name: projects.name })
      .from(projects)
      .where(inArray(projects.id, ids.slice(i, i + D1_MAX_PARAMS - 1)))
      .all();
    for (const row of found) names.set(row.id, row.name);
  }
  return names;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
