/**
 * @module The lineage walk: one recursive CTE per direction over `lineage_edges`, bounded by depth and by
 * node count, finite on any graph shape (cycles included).
 */

export type Direction = "up" | "down";

/** A node as the walk sees it: a version `(artifactId, version)` or a run. */
export type NodeKey = string;

export interface WalkedNode {
  key: NodeKey;
  kind: "version" | "run";
  runId: string;
  artifactId: string;
  version: number;
  /** Fewest hops from the start node. */
  depth: number;
}

export interface WalkResult {
  nodes: WalkedNode[];
  /** True when the node bound cut something off (more nodes were reachable within the depth). */
  truncated: boolean;
}

export function versionKey(artifactId: string, version: number): NodeKey {
  return `version:${artifactId}:${version}`;
}

export function runKey(runId: string): NodeKey {
  return `run:${runId}`;
}

/**
 * Which edge a hop follows. Up from a version: the run that output it; up from a run: the versions it
 * used. Down from a version: the runs that used it; down from a run: the versions it output.
 */
const HOP: Record<Direction, { fromVersion: "input" | "output"; fromRun: "input" | "output" }> = {
  up: { fromVersion: "output", fromRun: "input" },
  down: { fromVersion: "input", fromRun: "output" },
};

/*
 * Rows are (kind, run, artifact, version, depth) and the compound is a UNION, so a node is expanded at most
 * once per depth: a cycle (a run that uses dataset:v0 and logs dataset:v1, or a run that uses and logs one
 * version) cannot loop, and the table holds at most nodes × (depth + 1) rows. SQLite's recursive queue is
 * FIFO without ORDER BY, so rows come out breadth first and the LIMIT keeps the nearest ones. The outer
 * query folds each node to its smallest depth and reports how many rows the walk produced.
 */
const WALK_SQL = `
WITH RECURSIVE walk(kind, run_id, artifact_id, version, depth) AS (
  VALUES ('v', '', ?1, ?2, 0)
  UNION
  SELECT 'r', e.run_id, '', 0, w.depth + 1
    FROM walk AS w JOIN lineage_edges AS e
      ON e.artifact_id = w.artifact_id AND e.version = w.version AND e.direction = ?3
   WHERE w.kind = 'v' AND w.depth < ?5 AND e.team_id = ?6
  UNION
  SELECT 'v', '', e.artifact_id, e.version, w.depth + 1
    FROM walk AS w JOIN lineage_edges AS e
      ON e.run_id = w.run_id AND e.direction = ?4
   WHERE w.kind = 'r' AND w.depth < ?5 AND e.team_id = ?6
  LIMIT ?7
)
SELECT kind, run_id, artifact_id, version, MIN(depth) AS depth, SUM(COUNT(*)) OVER () AS walked
  FROM walk
 GROUP BY kind, run_id, artifact_id, version
 ORDER BY depth, kind, run_id, artifact_id, version
 LIMIT ?8`;

interface WalkRow {
  kind: "v" | "r";
  run_id: string;
  artifact_id: string;
  version: number;
  depth: number;
  walked: number;
}

/**
 * Walks from one version in the given directions (both in one D1 round trip) and returns at most
 * `maxNodes` nodes, the start included, nearest first.
 */
export async function walkLineage(
  d1: D1Database,
  teamId: string,
  start: { artifactId: string; version: number },
  options: { directions: Direction[]; depth: number; maxNodes: number },
): Promise<WalkResult> {
  // With at most maxNodes distinct nodes the walk has at most maxNodes × (depth + 1) rows, so reaching
  // this many rows proves there were more nodes than the bound: the work stays proportional to it.
  const rowCap = options.maxNodes * (options.depth + 1) + 1;
  const statements = options.directions.map((direction) =>
    d1
      .prepare(WALK_SQL)
      .bind(
        start.artifactId,
        start.version,
        HOP[direction].fromVersion,
        HOP[direction].fromRun,
        options.depth,
        teamId,
        rowCap,
        options.maxNodes + 1,
      ),
  );
  const results = await d1.batch<WalkRow>(statements);
  const byKey = new Map<NodeKey, WalkedNode>();
  let truncated = false;
  for (const result of results) {
    const rows = result.results;
    if (rows.length > options.maxNodes || (rows[0]?.walked ?? 0) >= rowCap) truncated = true;
    for (const row of rows) {
      const node: WalkedNode =
        row.kind === "v"
          ? {
              key: versionKey(row.artifact_id, row.version),
              kind: "version",
              runId: "",
              artifactId: row.artifact_id,
              version: row.version,
              depth: row.depth,
            }
          : {
              key: runKey(row.run_id),
              kind: "run",
              runId: row.run_id,
              artifactId: "",
              version: 0,
              depth: row.depth,
            };
      const seen = byKey.get(node.key);
      if (!seen || seen.depth > node.depth) byKey.set(node.key, node);
    }
  }
  const nodes = [...byKey.values()].sort((a, b) => a.depth - b.depth);
  if (nodes.length > options.maxNodes) truncated = true;
  return { nodes: nodes.slice(0, options.maxNodes), truncated };
}
