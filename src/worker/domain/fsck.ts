/**
 * @module The consistency checker (fsck): for each artifact of a team, a page at a time, compares the
 * Durable Object (the source of truth) with D1's mirror and checks what every committed version points
 * at. `repair` rewrites a diverging mirror from the object, never the other way round.
 */
import type { FsckAllReport, FsckReport, FsckViolation } from "../../shared/fsck.ts";
import { type ArtifactClient, artifactClient } from "../do/artifact-stub.ts";
import type { ArtifactState } from "../do/artifact-types.ts";
import { ContentChecker } from "./fsck-contents.ts";
import { type Finding, MIRROR_KINDS, mirrorFindings, objectFindings, readMirror } from "./fsck-mirror.ts";

/** Orphan version rows listed per report. */
const ORPHANS_LISTED = 100;

export interface FsckOptions {
  repair: boolean;
  /** Artifact id after which to continue (a previous `nextCursor`). */
  cursor?: string;
  limit: number;
}

interface ArtifactRow {
  id: string;
  name: string;
  type: string;
  project_id: string;
  project: string;
}

/**
 * Checks one page of a team's artifacts.
 *
 * @example
 * const report = await fsckTeam(env, { teamId, teamName: "acme" }, { repair: false, limit: 20 });
 * if (report.violations.length > 0) console.log(report.violations);
 */
export async function fsckTeam(
  env: Env,
  team: { teamId: string; teamName: string },
  options: FsckOptions,
): Promise<FsckReport> {
  const { results } = await env.DB.prepare(
    `SELECT a.id, a.name, a.type, a.project_id, p.name AS project
     FROM artifacts a JOIN projects p ON p.id = a.project_id
     WHERE a.team_id = ? AND a.id > ? ORDER BY a.id LIMIT ?`,
  )
    .bind(team.teamId, options.cursor ?? "", options.limit + 1)
    .all<ArtifactRow>();
  const page = results.slice(0, options.limit);
  const last = page[page.length - 1];
  const report: FsckReport = {
    team: team.teamName,
    checked: { artifacts: 0, versions: 0, indexPages: 0, pages: 0, blobs: 0 },
    pendingMirrors: 0,
    violations: [],
    nextCursor: results.length > options.limit && last ? last.id : null,
  };
  // Rows not reachable from any artifact are looked for once, on the first page.
  if (options.cursor === undefined) report.violations.push(...(await orphanVersions(env.DB, team.teamId)));
  const contents = new ContentChecker(env.DB, env.BLOBS, team.teamId);
  for (const row of page) await checkArtifact(env, team.teamId, row, contents, options.repair, report);
  const counts = contents.counts;
  report.checked.indexPages = counts.indexPages;
  report.checked.pages = counts.pages;
  report.checked.blobs = counts.blobs;
  return report;
}

/**
 * Checks every team, a page of artifacts at a time across teams. The cursor is `<teamId>:<artifact
 * cursor>`; an empty artifact cursor starts that team.
 */
export async function fsckAll(env: Env, options: FsckOptions): Promise<FsckAllReport> {
  const split = options.cursor ? options.cursor.indexOf(":") : -1;
  const startTeam = split >= 0 ? (options.cursor ?? "").slice(0, split) : "";
  let artifactCursor: string | undefined =
    split >= 0 ? (options.cursor ?? "").slice(split + 1) || undefined : undefined;
  const { results: teams } = await env.DB.prepare("SELECT id, name FROM teams WHERE id >= ? ORDER BY id")
    .bind(startTeam)
    .all<{ id: string; name: string }>();
  const all: FsckAllReport = { teams: [], violations: 0, nextCursor: null };
  let budget = options.limit;
  for (const [index, team] of teams.entries()) {
    if (budget <= 0) {
      all.nextCursor = `${team.id}:`;
      break;
    }
    const report = await fsckTeam(
      env,
      { teamId: team.id, teamName: team.name },
      { repair: options.repair, limit: budget, ...(artifactCursor ? { cursor: artifactCursor } : {}) },
    );
    artifactCursor = undefined;
    budget -= Math.max(1, report.checked.artifacts);
    all.teams.push(report);
    all.violations += report.violations.length;
    if (report.nextCursor) {
      all.nextCursor = `${team.id}:${report.nextCursor}`;
      break;
    }
    if (budget <= 0 && teams[index + 1]) all.nextCursor = `${teams[index + 1]?.id}:`;
    if (budget <= 0) break;
  }
  return all;
}

async function checkArtifact(
  env: Env,
  teamId: string,
  row: ArtifactRow,
  contents: ContentChecker,
  repair: boolean,
  report: FsckReport,
): Promise<void> {
  const label = `${row.project}/${row.name}`;
  const add = (finding: Finding, repaired?: boolean) => {
    const violation: FsckViolation = { kind: finding.kind, artifact: label, detail: finding.detail };
    if (finding.version !== undefined) violation.version = finding.version;
    if (repair) violation.repaired = repaired ?? false;
    report.violations.push(violation);
  };
  report.checked.artifacts++;
  const client = artifactClient(env, teamId, row.project_id, row.name);
  const settled = await client.settledState();
  if (settled.pendingMirror) report.pendingMirrors++;
  let state = settled.state;
  if (!state) {
    add({ kind: "artifact_without_object", detail: `D1 lists artifact ${row.id}; its object is empty` });
    return;
  }
  if (state.artifactId !== row.id || state.type !== row.type) {
    add({
      kind: "identity_mismatch",
      detail: `D1 has id ${row.id} and type '${row.type}'; the object has ${state.artifactId} and '${state.type}'`,
    });
    return;
  }
  report.checked.versions += state.versions.length;
  for (const finding of objectFindings(state)) add(finding);

  let mirror = mirrorFindings(state, teamId, await readMirror(env.DB, row.id));
  if (mirror.length > 0) {
    // A commit may have landed between the two reads: look again before calling it a divergence.
    const again = (await client.settledState()).state;
    if (again) {
      state = again;
      mirror = mirrorFindings(state, teamId, await readMirror(env.DB, row.id));
    }
  }
  if (mirror.length > 0 && repair) {
    const fixed = await repairMirror(env.DB, client, teamId, row.id, state);
    for (const finding of mirror) add(finding, fixed);
  } else {
    for (const finding of mirror) add(finding);
  }

  for (const version of state.versions) {
    for (const problem of await contents.check(version)) add({ ...problem, version: version.number });
  }
}

/** Rewrites D1 from the object and drops rows it never committed; true when D1 now matches. */
async function repairMirror(
  db: D1Database,
  client: ArtifactClient,
  teamId: string,
  artifactId: string,
  state: ArtifactState,
): Promise<boolean> {
  await db
    .prepare("DELETE FROM versions WHERE artifact_id = ? AND number NOT IN (SELECT value FROM json_each(?))")
    .bind(artifactId, JSON.stringify(state.versions.map((version) => version.number)))
    .run();
  await client.repairMirror();
  const after = await client.state();
  if (!after) return false;
  const left = mirrorFindings(after, teamId, await readMirror(db, artifactId));
  return left.every((finding) => !MIRROR_KINDS.has(finding.kind));
}

async function orphanVersions(db: D1Database, teamId: string): Promise<FsckViolation[]> {
  const { results } = await db
    .prepare(
      `SELECT v.artifact_id, v.number FROM versions v LEFT JOIN artifacts a ON a.id = v.artifact_id
       WHERE v.team_id = ? AND a.id IS NULL ORDER BY v.artifact_id, v.number LIMIT ?`,
    )
    .bind(teamId, ORPHANS_LISTED)
    .all<{ artifact_id: string; number: number }>();
  return results.map((row) => ({
    kind: "orphan_version" as const,
    artifact: `?/${row.artifact_id}`,
    version: row.number,
    detail: `D1 has v${row.number} of artifact ${row.artifact_id}, which has no artifact row`,
  }));
}
