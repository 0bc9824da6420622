/**
 * Lineage through the real routes: runs, inline-entry commits with runId, inputs, and the lineage and
 * version-runs queries, on a pipeline raw-data → preprocess → dataset → train → model → eval → report.
 */
import { describe, expect, it } from "vitest";
import { api, call, env, newTeam, type TestTeam } from "./helpers.ts";

interface Node {
  kind: "version" | "run";
  id: string;
  ref?: string;
  name?: string;
  deleted?: boolean;
}
interface Edge {
  from: string;
  to: string;
  kind: "input" | "output";
}
interface Graph {
  nodes: Node[];
  edges: Edge[];
  truncated: boolean;
}

const P = (t: TestTeam) => `/teams/${t.team}/projects/p`;

async function startRun(t: TestTeam, name: string): Promise<string> {
  const res = await call("POST", `${P(t)}/runs`, {
    key: t.writer,
    body: { name, jobType: name },
    status: 201,
  });
  return res.run.id;
}

async function use(t: TestTeam, runId: string, ref: string) {
  return (await call("POST", `${P(t)}/runs/${runId}/inputs`, { key: t.writer, body: { ref } })).version;
}

/** Commits a version of reference entries (no blob upload needed), logged by `runId` when given. */
async function log(t: TestTeam, name: string, type: string, tag: string, runId?: string) {
  const res = await call("POST", `${P(t)}/artifacts/${name}/versions`, {
    key: t.writer,
    body: {
      type,
      entries: [{ path: "a.txt", ref: `https://example.com/${name}/${tag}/a.txt` }],
      ...(runId ? { runId } : {}),
    },
    status: 201,
  });
  return res.version as { ref: string; version: number };
}

async function lineage(t: TestTeam, ref: string, query: string, key = t.reader): Promise<Graph> {
  const [name, selector] = ref.split(":");
  return call("GET", `${P(t)}/artifacts/${name}/versions/${selector}/lineage?${query}`, { key });
}

/** Nodes as readable labels (`ref` for versions, `run <name>` for runs), runs first, each group sorted. */
const labels = (graph: Graph) => [
  ...graph.nodes
    .filter((node) => node.kind === "run")
    .map((node) => `run ${node.name}`)
    .sort(),
  ...graph.nodes
    .filter((node) => node.kind === "version")
    .map((node) => node.ref)
    .sort(),
];

/** Edges as `from -kind-> to` with readable labels, sorted. */
function edgeLabels(graph: Graph): string[] {
  const label = new Map(graph.nodes.map((n) => [n.id, n.kind === "version" ? n.ref : `run ${n.name}`]));
  return graph.edges.map((e) => `${label.get(e.from)} -${e.kind}-> ${label.get(e.to)}`).sort();
}

/** raw-data → preprocess → dataset → train → model → eval → report, every input taken through `:latest`. */
async function pipeline() {
  const t = await newTeam("lin");
  await log(t, "raw-data", "raw", "0");
  const preprocess = await startRun(t, "preprocess");
  await use(t, preprocess, "raw-data:latest");
  await log(t, "dataset", "dataset", "0", preprocess);
  const train = await startRun(t, "train");
  await use(t, train, "dataset");
  await log(t, "model", "model", "0", train);
  const evaluate = await startRun(t, "eval");
  await use(t, evaluate, `${t.team}/p/model:v0`);
  await log(t, "report", "report", "0", evaluate);
  const r = (name: string) => `${t.team}/p/${name}:v0`;
  return { t, r, runs: { preprocess, train, evaluate } };
}

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector/lineage", () => {
  it("should return exactly the data versions and runs upstream of the model", async () => {
    const { t, r } = await pipeline();
    const up = await lineage(t, "model:latest", "direction=up");
    expect(labels(up)).toEqual(["run preprocess", "run train", r("dataset"), r("model"), r("raw-data")]);
    expect(edgeLabels(up)).toEqual([
      `${r("dataset")} -input-> run train`,
      `${r("raw-data")} -input-> run preprocess`,
      `run preprocess -output-> ${r("dataset")}`,
      `run train -output-> ${r("model")}`,
    ]);
    expect(up.truncated).toBe(false);
    expect(up.nodes.find((node) => node.ref === r("model"))).toMatchObject({
      kind: "version",
      artifact: "model",
      project: "p",
      version: 0,
      type: "model",
      aliases: ["latest"],
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(up.nodes.find((node) => node.name === "train")).toMatchObject({
      kind: "run",
      jobType: "train",
      status: "running",
      project: "p",
    });
  });

  it("should reach the report downstream of raw-data within depth 6, and stop at the default depth 5", async () => {
    const { t, r } = await pipeline();
    const down = await lineage(t, "raw-data:v0", "direction=down&depth=6");
    expect(labels(down)).toEqual([
      "run eval",
      "run preprocess",
      "run train",
      r("dataset"),
      r("model"),
      r("raw-data"),
      r("report"),
    ]);
    expect(down.edges).toHaveLength(6);
    const bounded = await lineage(t, "raw-data:v0", "direction=down");
    expect(labels(bounded)).not.toContain(r("report"));
    expect(labels(bounded)).toContain("run eval");
    const both = await lineage(t, "model:v0", "depth=2");
    expect(labels(both)).toEqual(["run eval", "run train", r("dataset"), r("model"), r("report")]);
  });

  it("should keep only versions of the type, the start, and the runs between them", async () => {
    const { t, r } = await pipeline();
    const datasets = await lineage(t, "model:v0", "direction=up&type=dataset");
    expect(labels(datasets)).toEqual(["run train", r("dataset"), r("model")]);
    expect(edgeLabels(datasets)).toEqual([
      `${r("dataset")} -input-> run train`,
      `run train -output-> ${r("model")}`,
    ]);
    // Through a version of another type the runs stay (they connect the kept versions), its edges go.
    const reports = await lineage(t, "raw-data:v0", "direction=down&depth=10&type=report");
    expect(labels(reports)).toEqual(["run eval", "run preprocess", "run train", r("raw-data"), r("report")]);
    expect(edgeLabels(reports)).toEqual([
      `${r("raw-data")} -input-> run preprocess`,
      `run eval -output-> ${r("report")}`,
    ]);
    const none = await lineage(t, "raw-data:v0", "direction=down&type=checkpoint");
    expect(labels(none)).toEqual([r("raw-data")]);
  });

  it("should give a finite, correct answer for a run that uses dataset:v0 and logs dataset:v1", async () => {
    const { t, r } = await pipeline();
    const augment = await startRun(t, "augment");
    await use(t, augment, "dataset:v0");
    const v1 = await log(t, "dataset", "dataset", "1", augment);
    expect(v1.version).toBe(1);
    // A run that uses dataset:v1 and logs identical content gets v1 back: the cycle v1 → noop → v1.
    const noop = await startRun(t, "noop");
    await use(t, noop, "dataset:latest");
    const again = await call("POST", `${P(t)}/artifacts/dataset/versions`, {
      key: t.writer,
      body: {
        type: "dataset",
        entries: [{ path: "a.txt", ref: "https://example.com/dataset/1/a.txt" }],
        runId: noop,
      },
    });
    expect(again).toMatchObject({ created: false, version: { version: 1 } });
    const v1ref = `${t.team}/p/dataset:v1`;
    const graph = await lineage(t, "dataset:v1", "direction=both&depth=20");
    expect(labels(graph)).toEqual([
      "run augment",
      "run noop",
      "run preprocess",
      r("dataset"),
      v1ref,
      r("raw-data"),
    ]);
    expect(edgeLabels(graph)).toEqual(
      [
        `${r("dataset")} -input-> run augment`,
        `${r("raw-data")} -input-> run preprocess`,
        `${v1ref} -input-> run noop`,
        `run augment -output-> ${v1ref}`,
        `run noop -output-> ${v1ref}`,
        `run preprocess -output-> ${r("dataset")}`,
      ].sort(),
    );
    expect(graph.truncated).toBe(false);
    const fromV0 = await lineage(t, "dataset:v0", "direction=down&depth=20");
    expect(labels(fromV0)).toEqual([
      "run augment",
      "run eval",
      "run noop",
      "run train",
      r("dataset"),
      v1ref,
      r("model"),
      r("report"),
    ]);
    expect(fromV0.edges).toHaveLength(8);
    expect(graph.truncated).toBe(false);
  });

  it("should cut at maxNodes and set truncated", async () => {
    const { t } = await pipeline();
    const cut = await lineage(t, "model:v0", "direction=up&maxNodes=3");
    expect(cut.nodes).toHaveLength(3);
    expect(cut.truncated).toBe(true);
    for (const edge of cut.edges) {
      expect(cut.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([edge.from, edge.to]));
    }
    const exact = await lineage(t, "model:v0", "direction=up&maxNodes=5");
    expect(exact.nodes).toHaveLength(5);
    expect(exact.truncated).toBe(false);
  });

  it("should validate the query and answer 404 for an unknown version and for another team", async () => {
    const { t } = await pipeline();
    const bad = await call("GET", `${P(t)}/artifacts/model/versions/v0/lineage?depth=21`, {
      key: t.reader,
      status: 400,
    });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
    const wrong = await call("GET", `${P(t)}/artifacts/model/versions/v0/lineage?direction=sideways`, {
      key: t.reader,
      status: 400,
    });
    expect(wrong).toMatchObject({ error: { code: "validation_failed" } });
    const missing = await call("GET", `${P(t)}/artifacts/model/versions/v9/lineage`, {
      key: t.reader,
      status: 404,
    });
    expect(missing).toMatchObject({ error: { code: "not_found" } });
    const other = await newTeam();
    const foreign = await call("GET", `${P(t)}/artifacts/model/versions/v0/lineage`, {
      key: other.admin,
      status: 404,
    });
    expect(foreign).toMatchObject({ error: { code: "not_found" } });
  });

  it("should measure a chain of 20 runs at depth 20", async () => {
    const t = await newTeam("chain");
    await log(t, "step", "step", "0");
    for (let i = 0; i < 20; i++) {
      const run = await startRun(t, `step-${i}`);
      await use(t, run, `step:v${i}`);
      await log(t, "step", "step", String(i + 1), run);
    }
    const started = performance.now();
    const up = await lineage(t, "step:v20", "direction=up&depth=20");
    const elapsed = performance.now() - started;
    // 20 hops up: 10 runs and 10 versions besides the start.
    expect(up.nodes).toHaveLength(21);
    expect(up.edges).toHaveLength(20);
    expect(up.truncated).toBe(false);
    const both = await lineage(t, "step:v10", "depth=20");
    expect(both.nodes).toHaveLength(41);
    console.log(`lineage of a 20-run chain, depth 20: ${elapsed.toFixed(1)} ms (request through the Worker)`);
  });
});

describe("POST /api/v1/teams/:team/projects/:project/runs/:id/inputs", () => {
  it("should record one edge for two identical calls and show it in the run's inputs", async () => {
    const { t, r, runs } = await pipeline();
    const first = await use(t, runs.train, "dataset:v0");
    const second = await use(t, runs.train, "dataset:latest");
    expect(first).toMatchObject({ ref: r("dataset"), version: 0, type: "dataset" });
    expect(second).toMatchObject({ ref: r("dataset") });
    const edges = await env.DB.prepare(
      "SELECT count(*) AS n FROM lineage_edges WHERE run_id = ? AND direction = 'input'",
    )
      .bind(runs.train)
      .first<{ n: number }>();
    expect(edges?.n).toBe(1);
    const run = await call("GET", `${P(t)}/runs/${runs.train}`, { key: t.reader });
    expect(run.inputs.map((v: { ref: string }) => v.ref)).toEqual([r("dataset")]);
    expect(run.outputs.map((v: { ref: string }) => v.ref)).toEqual([r("model")]);
  });

  it("should keep the edge on the version the alias named at that moment", async () => {
    const { t, r, runs } = await pipeline();
    // train used dataset:latest when latest was v0; a new version moves latest, not the edge.
    const v1 = await log(t, "dataset", "dataset", "1");
    expect(v1.version).toBe(1);
    const run = await call("GET", `${P(t)}/runs/${runs.train}`, { key: t.reader });
    expect(run.inputs.map((v: { ref: string; aliases: string[] }) => [v.ref, v.aliases])).toEqual([
      [r("dataset"), []],
    ]);
    const later = await startRun(t, "later");
    expect(await use(t, later, "dataset")).toMatchObject({ version: 1, aliases: ["latest"] });
  });

  it("should refresh the heartbeat of the run and revive one that staleness marked crashed", async () => {
    const { t, runs } = await pipeline();
    await env.DB.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ?")
      .bind(Date.now() - 15 * 60_000, runs.train)
      .run();
    const stale = await call("GET", `${P(t)}/runs/${runs.train}`, { key: t.reader });
    expect(stale.run.status).toBe("crashed");
    await use(t, runs.train, "raw-data");
    const alive = await call("GET", `${P(t)}/runs/${runs.train}`, { key: t.reader });
    expect(alive.run.status).toBe("running");
    expect(Date.parse(alive.run.heartbeatAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("should refuse a finished run (409), a reader (403), a bad ref (400) and another team's ref (404)", async () => {
    const { t, runs } = await pipeline();
    const other = await newTeam();
    await log(other, "secret", "dataset", "0");
    const foreign = await call("POST", `${P(t)}/runs/${runs.train}/inputs`, {
      key: t.writer,
      body: { ref: `${other.team}/p/secret:v0` },
      status: 404,
    });
    expect(foreign).toMatchObject({ error: { code: "not_found", message: "artifact 'secret' not found" } });
    const unknown = await call("POST", `${P(t)}/runs/${runs.train}/inputs`, {
      key: t.writer,
      body: { ref: "nothing:v0" },
      status: 404,
    });
    expect(unknown).toMatchObject({ error: { code: "not_found" } });
    const malformed = await call("POST", `${P(t)}/runs/${runs.train}/inputs`, {
      key: t.writer,
      body: { ref: "a/b/c/d:v0" },
      status: 400,
    });
    expect(malformed).toMatchObject({ error: { code: "validation_failed" } });
    const reader = await call("POST", `${P(t)}/runs/${runs.train}/inputs`, {
      key: t.reader,
      body: { ref: "dataset" },
      status: 403,
    });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const otherKey = await call("POST", `${P(t)}/runs/${runs.train}/inputs`, {
      key: other.writer,
      body: { ref: "dataset" },
      status: 404,
    });
    expect(otherKey).toMatchObject({ error: { code: "not_found" } });
    await call("POST", `${P(t)}/runs/${runs.train}/finish`, { key: t.writer, body: {} });
    const closed = await call("POST", `${P(t)}/runs/${runs.train}/inputs`, {
      key: t.writer,
      body: { ref: "raw-data" },
      status: 409,
    });
    expect(closed).toMatchObject({ error: { code: "conflict", details: { status: "finished" } } });
    const edges = await env.DB.prepare(
      "SELECT count(*) AS n FROM lineage_edges WHERE run_id = ? AND direction = 'input'",
    )
      .bind(runs.train)
      .first<{ n: number }>();
    expect(edges?.n).toBe(1);
  });

  it("should refuse a commit logged by a finished run (409), leaving no version", async () => {
    const { t, runs } = await pipeline();
    await call("POST", `${P(t)}/runs/${runs.train}/finish`, { key: t.writer, body: {} });
    const res = await api("POST", `${P(t)}/artifacts/model/versions`, {
      key: t.writer,
      body: {
        type: "model",
        entries: [{ path: "a.txt", ref: "https://example.com/late" }],
        runId: runs.train,
      },
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "conflict" } });
    await call("GET", `${P(t)}/artifacts/model/versions/v1`, { key: t.reader, status: 404 });
  });
});

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector/runs", () => {
  it("should answer the run that logged the version and the runs that used it", async () => {
    const { t } = await pipeline();
    const model = await call("GET", `${P(t)}/artifacts/model/versions/latest/runs`, { key: t.reader });
    expect(model.loggedBy).toMatchObject({ name: "train", project: "p" });
    expect(model.usedBy.map((run: { name: string }) => run.name)).toEqual(["eval"]);
    const raw = await call("GET", `${P(t)}/artifacts/raw-data/versions/v0/runs`, { key: t.reader });
    expect(raw).toMatchObject({ loggedBy: null, usedBy: [{ name: "preprocess" }] });
    const other = await newTeam();
    const foreign = await call("GET", `${P(t)}/artifacts/model/versions/v0/runs`, {
      key: other.reader,
      status: 404,
    });
    expect(foreign).toMatchObject({ error: { code: "not_found" } });
  });
});
