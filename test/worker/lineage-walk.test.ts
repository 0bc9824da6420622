/**
 * The lineage query at the domain level, on graph shapes the routes can only build slowly: rows are
 * written straight into the real D1 tables, then `lineageOf` runs its real SQL.
 */
import { describe, expect, it } from "vitest";
import { lineageOf } from "../../src/worker/domain/lineage.ts";
import { env } from "./helpers.ts";

let counter = 0;

/** A team, a project and helpers that insert artifacts, versions, runs and edges directly. */
async function graph() {
  const id = `g${counter++}-${Date.now().toString(36)}`;
  const teamId = `team-${id}`;
  const projectId = `project-${id}`;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO teams (id, name) VALUES (?, ?)").bind(teamId, teamId),
    env.DB.prepare("INSERT INTO projects (id, team_id, name) VALUES (?, ?, 'p')").bind(projectId, teamId),
  ]);
  const now = Date.now();
  return {
    team: { teamId, teamName: teamId },
    async artifact(name: string, type: string, versions: number) {
      const artifactId = `${id}-${name}`;
      await env.DB.batch([
        env.DB.prepare(
          "INSERT INTO artifacts (id, team_id, project_id, name, type, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        ).bind(artifactId, teamId, projectId, name, type, now),
        ...Array.from({ length: versions }, (_, n) =>
          env.DB.prepare(
            `INSERT INTO versions (artifact_id, number, team_id, digest, root, file_count, total_size, created_at)
             VALUES (?, ?, ?, ?, '[]', 0, 0, ?)`,
          ).bind(artifactId, n, teamId, `digest-${name}-${n}`, now),
        ),
      ]);
      return artifactId;
    },
    async run(name: string) {
      const runId = `${id}-${name}`;
      await env.DB.prepare(
        "INSERT INTO runs (id, team_id, project_id, name, job_type, heartbeat_at) VALUES (?, ?, ?, ?, 'job', ?)",
      )
        .bind(runId, teamId, projectId, name, now)
        .run();
      return runId;
    },
    async edge(runId: string, artifactId: string, version: number, direction: "input" | "output") {
      await env.DB.prepare(
        "INSERT INTO lineage_edges (team_id, run_id, artifact_id, version, direction) VALUES (?, ?, ?, ?, ?)",
      )
        .bind(teamId, runId, artifactId, version, direction)
        .run();
    },
  };
}

const refs = (nodes: { kind: string; ref?: string; name?: string }[]) =>
  nodes.map((node) => (node.kind === "version" ? node.ref : `run ${node.name}`)).sort();

describe("lineageOf (domain)", () => {
  it("should stay finite on a run that uses and logs the same version, and on a two-run cycle", async () => {
    const g = await graph();
    const data = await g.artifact("data", "dataset", 2);
    const loop = await g.run("loop");
    await g.edge(loop, data, 0, "input");
    await g.edge(loop, data, 0, "output");
    await g.edge(loop, data, 1, "output");
    const other = await g.run("other");
    await g.edge(other, data, 1, "input");
    await g.edge(other, data, 0, "output");
    const result = await lineageOf(
      env.DB,
      g.team,
      { artifactId: data, version: 0 },
      {
        direction: "both",
        depth: 20,
        maxNodes: 500,
      },
    );
    const t = g.team.teamName;
    expect(refs(result.nodes)).toEqual(["run loop", "run other", `${t}/p/data:v0`, `${t}/p/data:v1`]);
    expect(result.edges).toHaveLength(5);
    expect(result.truncated).toBe(false);
  });

  it("should cut at maxNodes nearest first and say so", async () => {
    const g = await graph();
    const data = await g.artifact("data", "dataset", 1);
    for (let i = 0; i < 30; i++) await g.edge(await g.run(`r${i}`), data, 0, "input");
    const cut = await lineageOf(
      env.DB,
      g.team,
      { artifactId: data, version: 0 },
      {
        direction: "down",
        depth: 5,
        maxNodes: 10,
      },
    );
    expect(cut.nodes).toHaveLength(10);
    expect(cut.nodes[0]).toMatchObject({ kind: "version", version: 0 });
    expect(cut.truncated).toBe(true);
    expect(cut.edges).toHaveLength(9);
    const whole = await lineageOf(
      env.DB,
      g.team,
      { artifactId: data, version: 0 },
      {
        direction: "down",
        depth: 5,
        maxNodes: 31,
      },
    );
    expect(whole.nodes).toHaveLength(31);
    expect(whole.truncated).toBe(false);
  });

  it("should show a deleted version marked deleted, and never cross into another team", async () => {
    const g = await graph();
    const h = await graph();
    const data = await g.artifact("data", "dataset", 2);
    const run = await g.run("r");
    await g.edge(run, data, 0, "input");
    await g.edge(run, data, 1, "output");
    await env.DB.prepare("UPDATE versions SET deleted_at = 1 WHERE artifact_id = ? AND number = 0")
      .bind(data)
      .run();
    const up = await lineageOf(
      env.DB,
      g.team,
      { artifactId: data, version: 1 },
      {
        direction: "up",
        depth: 5,
        maxNodes: 100,
      },
    );
    expect(up.nodes.find((node) => node.kind === "version" && node.version === 0)).toMatchObject({
      deleted: true,
    });
    // The other team asking about this artifact id sees only the start node's absence: nothing.
    const foreign = await lineageOf(
      env.DB,
      h.team,
      { artifactId: data, version: 1 },
      {
        direction: "both",
        depth: 5,
        maxNodes: 100,
      },
    );
    expect(foreign.nodes).toEqual([]);
    expect(foreign.edges).toEqual([]);
  });

  it("should keep the work bounded on a wide graph (2,000 runs using one version)", async () => {
    const g = await graph();
    const data = await g.artifact("data", "dataset", 1);
    const out = await g.artifact("out", "model", 2000);
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < 2000; i++) {
      const runId = `${data}-run-${i}`;
      statements.push(
        env.DB.prepare(
          "INSERT INTO runs (id, team_id, project_id, name, heartbeat_at) SELECT ?, team_id, project_id, ?, 0 FROM artifacts WHERE id = ?",
        ).bind(runId, `r${i}`, data),
        env.DB.prepare(
          "INSERT INTO lineage_edges (team_id, run_id, artifact_id, version, direction) VALUES (?, ?, ?, 0, 'input'), (?, ?, ?, ?, 'output')",
        ).bind(g.team.teamId, runId, data, g.team.teamId, runId, out, i),
      );
    }
    for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
    const started = performance.now();
    const cut = await lineageOf(
      env.DB,
      g.team,
      { artifactId: data, version: 0 },
      {
        direction: "down",
        depth: 20,
        maxNodes: 500,
      },
    );
    const elapsed = performance.now() - started;
    expect(cut.nodes).toHaveLength(500);
    expect(cut.truncated).toBe(true);
    // Nearest first: the start, then runs (depth 1) before any of their outputs (depth 2).
    expect(cut.nodes.slice(1).every((node) => node.kind === "run")).toBe(true);
    const whole = await lineageOf(
      env.DB,
      g.team,
      { artifactId: data, version: 0 },
      {
        direction: "down",
        depth: 20,
        maxNodes: 2000,
      },
    );
    expect(whole.truncated).toBe(true);
    console.log(
      `lineage of 1 version used by 2,000 runs (4,001 nodes), maxNodes 500: ${elapsed.toFixed(1)} ms (domain call, local D1)`,
    );
  });
});
