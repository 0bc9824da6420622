import { describe, expect, it } from "vitest";
import { api, call, env, newTeam, type TestTeam } from "./helpers.ts";

const runsOf = (t: TestTeam, project = "p") => `/teams/${t.team}/projects/${project}/runs`;

async function startRun(t: TestTeam, body: Record<string, unknown> = {}) {
  const res = await call("POST", runsOf(t), { key: t.writer, body, status: 201 });
  return res.run as { id: string; name: string; status: string; heartbeatAt: string };
}

/** Moves a run's last heartbeat into the past, as if its process had gone silent. */
async function silence(runId: string, minutes: number) {
  await env.DB.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ?")
    .bind(Date.now() - minutes * 60_000, runId)
    .run();
}

describe("POST /api/v1/teams/:team/projects/:project/runs", () => {
  it("should create a run with a default name from its job type", async () => {
    const t = await newTeam();
    const res = await call("POST", runsOf(t), {
      key: t.writer,
      body: { jobType: "train", group: "sweep-1", config: { lr: 0.1 } },
      status: 201,
    });
    expect(res.run).toMatchObject({
      project: "p",
      jobType: "train",
      group: "sweep-1",
      config: { lr: 0.1 },
      summary: {},
      status: "running",
      finishedAt: null,
    });
    expect(res.run.name).toBe(`train-${res.run.id.slice(0, 8)}`);
    const plain = await startRun(t);
    expect(plain.name).toMatch(/^run-[0-9a-f]{8}$/);
    const named = await startRun(t, { name: "my run" });
    expect(named.name).toBe("my run");
  });

  it("should refuse a reader (403) and bad input (400), leaving no run behind", async () => {
    const t = await newTeam();
    const reader = await call("POST", runsOf(t), { key: t.reader, body: {}, status: 403 });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const bad = await call("POST", runsOf(t), { key: t.writer, body: { config: [1, 2] }, status: 400 });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
    const list = await call("GET", runsOf(t), { key: t.reader });
    expect(list.runs).toEqual([]);
  });

  it("should answer 404 for an unknown project and for another team", async () => {
    const a = await newTeam();
    const b = await newTeam();
    const missing = await call("POST", runsOf(a, "nope"), { key: a.writer, body: {}, status: 404 });
    expect(missing).toMatchObject({ error: { code: "not_found" } });
    const other = await call("POST", runsOf(a), { key: b.admin, body: {}, status: 404 });
    expect(other).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("GET /api/v1/teams/:team/projects/:project/runs", () => {
  it("should list newest first, page with a cursor and filter by status", async () => {
    const t = await newTeam();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await startRun(t, { name: `r${i}` })).id);
    await call("POST", `${runsOf(t)}/${made[1]}/finish`, { key: t.writer, body: {} });
    const first = await call("GET", `${runsOf(t)}?limit=2`, { key: t.reader });
    expect(first.runs.map((r: { name: string }) => r.name)).toEqual(["r4", "r3"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await call("GET", `${runsOf(t)}?limit=2&cursor=${first.nextCursor}`, { key: t.reader });
    expect(second.runs.map((r: { name: string }) => r.name)).toEqual(["r2", "r1"]);
    const third = await call("GET", `${runsOf(t)}?limit=2&cursor=${second.nextCursor}`, { key: t.reader });
    expect(third.runs.map((r: { name: string }) => r.name)).toEqual(["r0"]);
    expect(third.nextCursor).toBeNull();
    const finished = await call("GET", `${runsOf(t)}?status=finished`, { key: t.reader });
    expect(finished.runs.map((r: { name: string }) => r.name)).toEqual(["r1"]);
    const bad = await call("GET", `${runsOf(t)}?status=sleeping`, { key: t.reader, status: 400 });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
    const badCursor = await call("GET", `${runsOf(t)}?cursor=zzz`, { key: t.reader, status: 400 });
    expect(badCursor).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("should show a running run silent for more than 10 minutes as crashed, and persist it", async () => {
    const t = await newTeam();
    const quiet = await startRun(t, { name: "quiet" });
    const alive = await startRun(t, { name: "alive" });
    await silence(quiet.id, 11);
    await silence(alive.id, 9);
    const crashed = await call("GET", `${runsOf(t)}?status=crashed`, { key: t.reader });
    expect(crashed.runs.map((r: { name: string }) => r.name)).toEqual(["quiet"]);
    const row = await env.DB.prepare("SELECT status, finished_at FROM runs WHERE id = ?")
      .bind(quiet.id)
      .first();
    expect(row).toEqual({ status: "crashed", finished_at: null });
    const one = await call("GET", `${runsOf(t)}/${alive.id}`, { key: t.reader });
    expect(one.run.status).toBe("running");
  });
});

describe("GET /api/v1/teams/:team/projects/:project/runs/:id", () => {
  it("should get a run with (empty) inputs and outputs, and apply staleness on a single read", async () => {
    const t = await newTeam();
    const run = await startRun(t, { jobType: "eval" });
    const res = await call("GET", `${runsOf(t)}/${run.id}`, { key: t.reader });
    expect(res).toMatchObject({ run: { id: run.id, status: "running" }, inputs: [], outputs: [] });
    await silence(run.id, 30);
    const later = await call("GET", `${runsOf(t)}/${run.id}`, { key: t.reader });
    expect(later.run.status).toBe("crashed");
  });

  it("should answer 404 for an unknown run, a run of another project, and another team", async () => {
    const a = await newTeam();
    const b = await newTeam();
    await call("POST", `/teams/${a.team}/projects`, { key: a.writer, body: { name: "q" }, status: 201 });
    const run = await startRun(a);
    const unknown = await call("GET", `${runsOf(a)}/nope`, { key: a.reader, status: 404 });
    expect(unknown).toMatchObject({ error: { code: "not_found", message: "run 'nope' not found" } });
    await call("GET", `${runsOf(a, "q")}/${run.id}`, { key: a.reader, status: 404 });
    const other = await call("GET", `${runsOf(a)}/${run.id}`, { key: b.admin, status: 404 });
    expect(other).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("PATCH /api/v1/teams/:team/projects/:project/runs/:id", () => {
  it("should merge the summary (null deletes a key) and close the run with a final status", async () => {
    const t = await newTeam();
    const run = await startRun(t);
    const url = `${runsOf(t)}/${run.id}`;
    await call("PATCH", url, { key: t.writer, body: { summary: { loss: 0.5, acc: 0.1 } } });
    const merged = await call("PATCH", url, { key: t.writer, body: { summary: { acc: 0.9, loss: null } } });
    expect(merged.run.summary).toEqual({ acc: 0.9 });
    const failed = await call("PATCH", url, { key: t.writer, body: { status: "failed" } });
    expect(failed.run).toMatchObject({ status: "failed", finishedAt: expect.any(String) });
    // A summary may still arrive after the end; the status may not change any more.
    const late = await call("PATCH", url, { key: t.writer, body: { summary: { final: true } } });
    expect(late.run.summary).toEqual({ acc: 0.9, final: true });
    const reopen = await call("PATCH", url, { key: t.writer, body: { status: "running" }, status: 409 });
    expect(reopen).toMatchObject({ error: { code: "conflict", details: { status: "failed" } } });
    await call("PATCH", url, { key: t.writer, body: { status: "finished" }, status: 409 });
  });

  it("should refuse a reader and a non-object summary", async () => {
    const t = await newTeam();
    const run = await startRun(t);
    const url = `${runsOf(t)}/${run.id}`;
    const reader = await call("PATCH", url, { key: t.reader, body: { summary: {} }, status: 403 });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const bad = await call("PATCH", url, { key: t.writer, body: { summary: "x" }, status: 400 });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
  });
});

describe("POST /api/v1/teams/:team/projects/:project/runs/:id/heartbeat", () => {
  it("should refresh heartbeatAt and revive a run that staleness marked crashed", async () => {
    const t = await newTeam();
    const run = await startRun(t);
    await silence(run.id, 20);
    const stale = await call("GET", `${runsOf(t)}/${run.id}`, { key: t.reader });
    expect(stale.run.status).toBe("crashed");
    const beat = await call("POST", `${runsOf(t)}/${run.id}/heartbeat`, { key: t.writer });
    expect(beat.run.status).toBe("running");
    expect(Date.parse(beat.run.heartbeatAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("should refuse a heartbeat for a finished run (409) and from a reader (403)", async () => {
    const t = await newTeam();
    const run = await startRun(t);
    const reader = await call("POST", `${runsOf(t)}/${run.id}/heartbeat`, { key: t.reader, status: 403 });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    await call("POST", `${runsOf(t)}/${run.id}/finish`, { key: t.writer, body: {} });
    const closed = await call("POST", `${runsOf(t)}/${run.id}/heartbeat`, { key: t.writer, status: 409 });
    expect(closed).toMatchObject({ error: { code: "conflict", details: { status: "finished" } } });
  });
});

describe("POST /api/v1/teams/:team/projects/:project/runs/:id/finish", () => {
  it("should finish (default status), repeat idempotently, and refuse another final status", async () => {
    const t = await newTeam();
    const run = await startRun(t);
    const url = `${runsOf(t)}/${run.id}/finish`;
    const first = await call("POST", url, { key: t.writer, body: {} });
    expect(first.run).toMatchObject({ status: "finished", finishedAt: expect.any(String) });
    const again = await call("POST", url, { key: t.writer, body: {} });
    expect(again.run.finishedAt).toBe(first.run.finishedAt);
    const other = await call("POST", url, { key: t.writer, body: { status: "failed" }, status: 409 });
    expect(other).toMatchObject({ error: { code: "conflict" } });
    const noBody = await api("POST", `${runsOf(t)}/${(await startRun(t)).id}/finish`, { key: t.writer });
    expect(noBody.status).toBe(200);
    const bad = await call("POST", url, { key: t.writer, body: { status: "running" }, status: 400 });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
  });
});
