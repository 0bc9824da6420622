import { describe, expect, it } from "vitest";
import { drawChildren } from "../../src/cli/commands/lineage.ts";
import { type LineageTree, lineageTrees } from "../../src/sdk/lineage.ts";
import { cairnEnv, cliJson, runCli } from "./support/cairn-env.ts";
import { callApi, type NodeTestTeam } from "./support/server.ts";

type Entry = { path: string; ref: string; size?: number };

/** Builds data through the HTTP API: reference entries, so no blob upload is needed. */
function apiOf(team: NodeTestTeam) {
  const base = `/teams/${team.team}/projects/p`;
  return {
    async run(name: string): Promise<string> {
      const res = await callApi<{ run: { id: string } }>("POST", `${base}/runs`, {
        key: team.writer,
        body: { name, jobType: name },
        status: 201,
      });
      return res.run.id;
    },
    async use(runId: string, ref: string) {
      await callApi("POST", `${base}/runs/${runId}/inputs`, { key: team.writer, body: { ref } });
    },
    async finish(runId: string) {
      await callApi("POST", `${base}/runs/${runId}/finish`, { key: team.writer, body: {} });
    },
    async log(name: string, type: string, entries: Entry[], runId?: string) {
      await callApi("POST", `${base}/artifacts/${name}/versions`, {
        key: team.writer,
        body: { type, entries, ...(runId ? { runId } : {}) },
        status: 201,
      });
    },
  };
}

const file = (name: string, path: string, size: number, tag = "0"): Entry => ({
  path,
  ref: `https://example.com/${name}/${tag}/${path}`,
  size,
});

/** raw-data → preprocess → dataset → train → model → eval → report. */
async function pipeline() {
  const e = await cairnEnv();
  const api = apiOf(e.team);
  await api.log("raw-data", "raw", [file("raw", "a.txt", 1)]);
  const preprocess = await api.run("preprocess");
  await api.use(preprocess, "raw-data:latest");
  await api.log("dataset", "dataset", [file("dataset", "a.txt", 1)], preprocess);
  await api.finish(preprocess);
  const train = await api.run("train");
  await api.use(train, "dataset");
  await api.log("model", "model", [file("model", "w.bin", 9)], train);
  await api.finish(train);
  const evaluate = await api.run("eval");
  await api.use(evaluate, "model");
  await api.log("report", "report", [file("report", "r.md", 3)], evaluate);
  return { ...e, ref: (name: string) => `${e.team.team}/p/${name}:v0` };
}

describe("cairn lineage", () => {
  it("should draw upstream and downstream trees on a terminal", async () => {
    const { env, ref } = await pipeline();
    const result = await runCli(["lineage", "dataset:v0"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `${ref("dataset")} (dataset) latest`,
        "upstream (made from):",
        "└── run preprocess [preprocess, finished]",
        `    └── ${ref("raw-data")} (raw) latest`,
        "downstream (led to):",
        "└── run train [train, finished]",
        `    └── ${ref("model")} (model) latest`,
        "        └── run eval [eval, running]",
        `            └── ${ref("report")} (report) latest`,
        "",
      ].join("\n"),
    );
  });

  it("should print the graph as JSON with --json, and honour --direction, --depth and --type", async () => {
    const { env, ref } = await pipeline();
    const graph = await cliJson(["lineage", "model", "--direction", "up", "--depth", "2"], env);
    const labels = graph.nodes.map((n: { kind: string; ref?: string; name?: string }) =>
      n.kind === "version" ? n.ref : `run ${n.name}`,
    );
    expect(labels.sort()).toEqual([ref("dataset"), ref("model"), "run train"].sort());
    expect(graph.edges).toHaveLength(2);
    expect(graph.truncated).toBe(false);
    const datasets = await runCli(["lineage", "model", "--direction", "up", "--type", "dataset"], env);
    expect(datasets.stdout).toBe(
      [
        `${ref("model")} (model) latest`,
        "upstream (made from):",
        "└── run train [train, finished]",
        `    └── ${ref("dataset")} (dataset) latest`,
        "",
      ].join("\n"),
    );
    // Through a version of another type the filter leaves a gap; the CLI says so.
    const raw = await runCli(
      ["lineage", "model", "--direction", "up", "--depth", "10", "--type", "raw"],
      env,
    );
    expect(raw.stdout).toBe(
      [
        `${ref("model")} (model) latest`,
        "upstream (made from):",
        "└── run train [train, finished]",
        "not connected once versions of other types are hidden (--type raw):",
        "  run preprocess [preprocess, finished]",
        `  ${ref("raw-data")} (raw) latest`,
        "",
      ].join("\n"),
    );
  });

  it("should refuse a bad option (exit 2) and explain an unknown artifact (exit 1)", async () => {
    const { env } = await pipeline();
    const bad = await runCli(["lineage", "model", "--direction", "sideways"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--direction must be up, down or both");
    const deep = await runCli(["lineage", "model", "--depth", "21"], env);
    expect(deep.code).toBe(2);
    const missing = await runCli(["lineage", "nothing:v0"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("not found");
  });
});

describe("cairn diff", () => {
  it("should print added, removed and changed files, and the whole diff with --json", async () => {
    const e = await cairnEnv();
    const api = apiOf(e.team);
    await api.log("data", "dataset", [
      file("d", "a.txt", 1),
      file("d", "b.txt", 2),
      file("d", "same.txt", 7),
    ]);
    await api.log("data", "dataset", [
      file("d", "b.txt", 5, "1"),
      file("d", "c.txt", 3),
      file("d", "same.txt", 7),
    ]);
    const result = await runCli(["diff", "data:v0", "data:v1"], e.env);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(["- a.txt", "~ b.txt (2 B → 5 B)", "+ c.txt (3 B)", ""].join("\n"));
    const json = await cliJson(["diff", "data:v0", "data:latest"], e.env);
    expect(json).toEqual({
      from: "data:v0",
      to: "data:latest",
      added: [file("d", "c.txt", 3)],
      removed: [file("d", "a.txt", 1)],
      changed: [{ path: "b.txt", from: file("d", "b.txt", 2), to: file("d", "b.txt", 5, "1") }],
    });
    const same = await runCli(["diff", "data:v1", "data:latest"], e.env);
    expect(same.stdout).toBe("no differences\n");
  });

  it("should refuse two different artifacts", async () => {
    const e = await cairnEnv();
    const api = apiOf(e.team);
    await api.log("a", "dataset", [file("a", "x", 1)]);
    await api.log("b", "dataset", [file("b", "x", 1)]);
    const result = await runCli(["diff", "a:v0", "b:v0"], e.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("name different artifacts");
  });
});

describe("lineageTrees", () => {
  it("should expand each node once on a cycle and mark the repeat", () => {
    const v = (id: string) => ({
      kind: "version" as const,
      id,
      ref: `t/p/d:${id}`,
      artifact: "d",
      project: "p",
      version: 0,
      type: "dataset",
      aliases: [],
      digest: "",
      createdAt: "",
    });
    const r = (id: string) => ({
      kind: "run" as const,
      id,
      runId: id,
      name: id,
      jobType: "",
      status: "running",
      project: "p",
    });
    // v0 → noop → v0 (a run that used and logged the same version), and v0 → other → v1.
    const graph = {
      nodes: [v("v0"), r("noop"), r("other"), v("v1")],
      edges: [
        { from: "v0", to: "noop", kind: "input" as const },
        { from: "noop", to: "v0", kind: "output" as const },
        { from: "v0", to: "other", kind: "input" as const },
        { from: "other", to: "v1", kind: "output" as const },
      ],
      truncated: false,
    };
    const { downstream, upstream, unreached } = lineageTrees(graph, "v0");
    expect(drawChildren(downstream as LineageTree)).toEqual([
      "├── run noop [running]",
      "│   └── t/p/d:v0 (dataset) (shown above)",
      "└── run other [running]",
      "    └── t/p/d:v1 (dataset)",
    ]);
    expect(drawChildren(upstream as LineageTree)).toEqual([
      "└── run noop [running]",
      "    └── t/p/d:v0 (dataset) (shown above)",
    ]);
    expect(unreached).toEqual([]);
  });
});
