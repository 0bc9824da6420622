/**
 * @module Lineage of a version: walk the edge graph (lineage-walk.ts), collect the edges among the nodes
 * found, apply the type filter, then hydrate versions and runs in batches. See docs/LINEAGE.md.
 */
import { formatRef } from "../../shared/ref.ts";
import type {
  LineageEdge,
  LineageGraph,
  LineageNode,
  LineageRunNode,
  LineageVersionNode,
} from "../../shared/views.ts";
import { createDb } from "../db/client.ts";
import {
  type Direction,
  type NodeKey,
  runKey,
  versionKey,
  type WalkedNode,
  walkLineage,
} from "./lineage-walk.ts";
import { effectiveStatus, projectNamesOf, runsById } from "./runs.ts";

/** D1 allows 100 bound parameters per statement. */
const MAX_PARAMS = 100;

export interface LineageOptions {
  direction: "up" | "down" | "both";
  depth: number;
  maxNodes: number;
  type?: string | undefined;
}

export async function lineageOf(
  d1: D1Database,
  team: { teamId: string; teamName: string },
  start: { artifactId: string; version: number },
  options: LineageOptions,
): Promise<LineageGraph> {
  const directions: Direction[] = options.direction === "both" ? ["up", "down"] : [options.direction];
  const walk = await walkLineage(d1, team.teamId, start, {
    directions,
    depth: options.depth,
    maxNodes: options.maxNodes,
  });
  const keys = new Set(walk.nodes.map((node) => node.key));
  let edges = await edgesAmong(d1, team.teamId, walk.nodes, keys);
  const versions = await hydrateVersions(
    d1,
    team,
    walk.nodes.filter((node) => node.kind === "version"),
  );
  let kept = walk.nodes;
  if (options.type !== undefined) {
    const startKey = versionKey(start.artifactId, start.version);
    const wanted = new Set(
      walk.nodes
        .filter((node) => node.key === startKey || versions.get(node.key)?.type === options.type)
        .map((node) => node.key),
    );
    const onPath = runsBetween(wanted, edges);
    kept = walk.nodes.filter((node) => wanted.has(node.key) || onPath.has(node.key));
    const keptKeys = new Set(kept.map((node) => node.key));
    edges = edges.filter((edge) => keptKeys.has(edge.from) && keptKeys.has(edge.to));
  }
  const runs = await hydrateRuns(
    d1,
    team.teamId,
    kept.filter((node) => node.kind === "run"),
  );
  const nodes: LineageNode[] = [];
  for (const node of kept) {
    const hydrated = node.kind === "version" ? versions.get(node.key) : runs.get(node.key);
    if (hydrated) nodes.push(hydrated);
  }
  // An edge never points at a node that could not be hydrated (a row gone from under the walk).
  const shown = new Set(nodes.map((node) => node.id));
  edges = edges.filter((edge) => shown.has(edge.from) && shown.has(edge.to));
  return { nodes, edges, truncated: walk.truncated };
}

/**
 * Runs that lie on a directed path from one wanted version to another (through any walked node): the
 * runs that connect the versions the type filter keeps.
 */
function runsBetween(wanted: Set<NodeKey>, edges: LineageEdge[]): Set<NodeKey> {
  const forward = new Map<NodeKey, NodeKey[]>();
  const backward = new Map<NodeKey, NodeKey[]>();
  for (const edge of edges) {
    forward.set(edge.from, [...(forward.get(edge.from) ?? []), edge.to]);
    backward.set(edge.to, [...(backward.get(edge.to) ?? []), edge.from]);
  }
  const fromWanted = reachable(wanted, forward);
  const toWanted = reachable(wanted, backward);
  return new Set([...fromWanted].filter((key) => key.startsWith("run:") && toWanted.has(key)));
}

function reachable(sources: Set<NodeKey>, next: Map<NodeKey, NodeKey[]>): Set<NodeKey> {
  const seen = new Set<NodeKey>();
  const queue = [...sources];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    for (const neighbour of next.get(key) ?? []) {
      if (!seen.has(neighbour)) {
        seen.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  return seen;
}

/** Every recorded edge whose two ends are both among the nodes (walked or not: an edge that exists is shown). */
async function edgesAmong(
  d1: D1Database,
  teamId: string,
  nodes: WalkedNode[],
  keys: Set<NodeKey>,
): Promise<LineageEdge[]> {
  const runIds = nodes.filter((node) => node.kind === "run").map((node) => node.runId);
  const edges: LineageEdge[] = [];
  for (const batch of chunks(runIds, MAX_PARAMS - 1)) {
    const { results } = await d1
      .prepare(
        `SELECT run_id, artifact_id, version, direction FROM lineage_edges
          WHERE team_id = ? AND run_id IN (${batch.map(() => "?").join(",")})
          ORDER BY run_id, direction, artifact_id, version`,
      )
      .bind(teamId, ...batch)
      .all<{ run_id: string; artifact_id: string; version: number; direction: "input" | "output" }>();
    for (const row of results) {
      const version = versionKey(row.artifact_id, row.version);
      if (!keys.has(version)) continue;
      const run = runKey(row.run_id);
      edges.push(
        row.direction === "input"
          ? { from: version, to: run, kind: "input" }
          : { from: run, to: version, kind: "output" },
      );
    }
  }
  return edges;
}

/**
 * Version nodes with their artifact, project, digest and current aliases (from the D1 mirror). A version
 * whose row is gone or soft-deleted is still returned, marked `deleted`.
 */
export async function hydrateVersions(
  d1: D1Database,
  team: { teamId: string; teamName: string },
  nodes: { artifactId: string; version: number }[],
): Promise<Map<NodeKey, LineageVersionNode>> {
  const hydrated = new Map<NodeKey, LineageVersionNode>();
  const aliases = new Map<NodeKey, string[]>();
  // Two parameters per version, plus the team: 49 versions per statement.
  for (const batch of chunks(nodes, Math.floor((MAX_PARAMS - 1) / 2))) {
    const pairs = batch.map(() => "(?, ?)").join(",");
    const values = batch.flatMap((node) => [node.artifactId, node.version]);
    const [rows, aliasRows] = await d1.batch<Record<string, unknown>>([
      d1
        .prepare(
          `SELECT a.id AS artifact_id, k.column2 AS number, a.name AS artifact, a.type AS type,
                  p.name AS project, v.digest AS digest, v.created_at AS created_at,
                  v.deleted_at AS deleted_at, v.number IS NULL AS missing
             FROM (VALUES ${pairs}) AS k
             JOIN artifacts AS a ON a.id = k.column1 AND a.team_id = ?
             JOIN projects AS p ON p.id = a.project_id
             LEFT JOIN versions AS v ON v.artifact_id = k.column1 AND v.number = k.column2`,
        )
        .bind(...values, team.teamId),
      d1
        .prepare(
          `SELECT artifact_id, version, alias FROM aliases
            WHERE (artifact_id, version) IN (VALUES ${pairs}) ORDER BY alias`,
        )
        .bind(...values),
    ]);
    for (const row of aliasRows?.results ?? []) {
      const key = versionKey(String(row.artifact_id), Number(row.version));
      aliases.set(key, [...(aliases.get(key) ?? []), String(row.alias)]);
    }
    for (const row of rows?.results ?? []) {
      const artifactId = String(row.artifact_id);
      const version = Number(row.number);
      const key = versionKey(artifactId, version);
      const project = String(row.project);
      const artifact = String(row.artifact);
      const deleted = row.deleted_at !== null || Number(row.missing) === 1;
      hydrated.set(key, {
        kind: "version",
        id: key,
        ref: formatRef({ team: team.teamName, project, name: artifact, version }),
        artifact,
        project,
        version,
        type: String(row.type),
        aliases: deleted ? [] : (aliases.get(key) ?? []),
        digest: row.digest === null ? "" : String(row.digest),
        createdAt: row.created_at === null ? "" : new Date(Number(row.created_at)).toISOString(),
        ...(deleted ? { deleted: true as const } : {}),
      });
    }
  }
  return hydrated;
}

async function hydrateRuns(
  d1: D1Database,
  teamId: string,
  nodes: WalkedNode[],
): Promise<Map<NodeKey, LineageRunNode>> {
  const db = createDb(d1);
  const rows = await runsById(
    db,
    teamId,
    nodes.map((node) => node.runId),
  );
  const projectNames = await projectNamesOf(db, rows.values());
  const hydrated = new Map<NodeKey, LineageRunNode>();
  for (const row of rows.values()) {
    const key = runKey(row.id);
    hydrated.set(key, {
      kind: "run",
      id: key,
      runId: row.id,
      name: row.name,
      jobType: row.jobType,
      status: effectiveStatus(row),
      project: projectNames.get(row.projectId) ?? "",
    });
  }
  return hydrated;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
