import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ArtifactStore } from "../../src/worker/do/artifact-storage.ts";
import { artifactClient, artifactStub } from "../../src/worker/do/artifact-stub.ts";
import { call, env, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, countRows, refs, teamId } from "./version-helpers.ts";

async function threeVersions(t: TestTeam) {
  for (let i = 0; i < 3; i++) await commitEntries(t, "data", refs(1, `v${i}`));
}

function aliasPath(t: TestTeam, alias = "") {
  return `${artifactsPath(t, "data")}/aliases${alias ? `/${alias}` : ""}`;
}

describe("PUT /api/v1/teams/:team/projects/:project/artifacts/:name/aliases/:alias", () => {
  it("should set, move with compare-and-swap, list and resolve aliases", async () => {
    const t = await newTeam();
    await threeVersions(t);
    const set = await call("PUT", aliasPath(t, "prod"), {
      key: t.writer,
      body: { version: "v0", ifVersion: null },
    });
    expect(set).toEqual({ alias: "prod", version: 0, previous: null });
    const moved = await call("PUT", aliasPath(t, "prod"), {
      key: t.writer,
      body: { version: "v1", ifVersion: "v0" },
    });
    expect(moved).toEqual({ alias: "prod", version: 1, previous: 0 });
    const list = await call("GET", aliasPath(t), { key: t.reader });
    expect(list.aliases).toEqual([
      { alias: "latest", version: 2 },
      { alias: "prod", version: 1 },
    ]);
    const resolved = await call("GET", `${artifactsPath(t, "data")}/versions/prod`, { key: t.reader });
    expect(resolved.version).toMatchObject({ version: 1, aliases: ["prod"] });
    // Unconditional set.
    await call("PUT", aliasPath(t, "prod"), { key: t.writer, body: { version: "v2" } });
    const mirrored = await countRows(
      "aliases",
      "alias = 'prod' AND version = 2 AND artifact_id IN (SELECT id FROM artifacts WHERE team_id = ?)",
      await teamId(t.team),
    );
    expect(mirrored).toBe(1);
  });

  it("should answer 409 alias_conflict with the current version when the CAS fails", async () => {
    const t = await newTeam();
    await threeVersions(t);
    await call("PUT", aliasPath(t, "prod"), { key: t.writer, body: { version: "v0" } });
    const stale = await call("PUT", aliasPath(t, "prod"), {
      key: t.writer,
      body: { version: "v1", ifVersion: "v2" },
      status: 409,
    });
    expect(stale).toMatchObject({ error: { code: "alias_conflict", details: { current: "v0" } } });
    const exists = await call("PUT", aliasPath(t, "prod"), {
      key: t.writer,
      body: { version: "v1", ifVersion: null },
      status: 409,
    });
    expect(exists).toMatchObject({ error: { code: "alias_conflict", details: { current: "v0" } } });
    const absent = await call("PUT", aliasPath(t, "staging"), {
      key: t.writer,
      body: { version: "v1", ifVersion: "v0" },
      status: 409,
    });
    expect(absent).toMatchObject({ error: { code: "alias_conflict", details: { current: null } } });
  });

  it("should refuse latest, an alias like v3, an unknown version, a reader and another team", async () => {
    const t = await newTeam();
    const other = await newTeam();
    await threeVersions(t);
    const latest = await call("PUT", aliasPath(t, "latest"), {
      key: t.writer,
      body: { version: "v0" },
      status: 400,
    });
    expect(latest).toMatchObject({ error: { code: "validation_failed" } });
    expect(latest.error.message).toContain("managed");
    const versionLike = await call("PUT", aliasPath(t, "v3"), {
      key: t.writer,
      body: { version: "v0" },
      status: 400,
    });
    expect(versionLike).toMatchObject({ error: { code: "validation_failed" } });
    const badVersion = await call("PUT", aliasPath(t, "prod"), {
      key: t.writer,
      body: { version: "best" },
      status: 400,
    });
    expect(badVersion).toMatchObject({ error: { code: "validation_failed" } });
    const unknown = await call("PUT", aliasPath(t, "prod"), {
      key: t.writer,
      body: { version: "v9" },
      status: 404,
    });
    expect(unknown).toMatchObject({ error: { code: "not_found", message: "version 'v9' not found" } });
    const reader = await call("PUT", aliasPath(t, "prod"), {
      key: t.reader,
      body: { version: "v0" },
      status: 403,
    });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const foreign = await call("PUT", aliasPath(t, "prod"), {
      key: other.writer,
      body: { version: "v0" },
      status: 404,
    });
    expect(foreign).toMatchObject({ error: { code: "not_found" } });
    const noArtifact = await call("PUT", `${artifactsPath(t, "nope")}/aliases/prod`, {
      key: t.writer,
      body: { version: "v0" },
      status: 404,
    });
    expect(noArtifact).toMatchObject({ error: { code: "not_found", message: "artifact 'nope' not found" } });
    expect((await call("GET", aliasPath(t), { key: t.reader })).aliases).toEqual([
      { alias: "latest", version: 2 },
    ]);
  });
});

describe("DELETE /api/v1/teams/:team/projects/:project/artifacts/:name/aliases/:alias", () => {
  it("should delete an alias, refuse latest and answer 404 for an unknown alias", async () => {
    const t = await newTeam();
    await threeVersions(t);
    await call("PUT", aliasPath(t, "prod"), { key: t.writer, body: { version: "v1" } });
    const deleted = await call("DELETE", aliasPath(t, "prod"), { key: t.writer });
    expect(deleted).toEqual({ deleted: { alias: "prod", version: 1 } });
    await call("GET", `${artifactsPath(t, "data")}/versions/prod`, { key: t.reader, status: 404 });
    const again = await call("DELETE", aliasPath(t, "prod"), { key: t.writer, status: 404 });
    expect(again).toMatchObject({ error: { code: "not_found", message: "alias 'prod' not found" } });
    const latest = await call("DELETE", aliasPath(t, "latest"), { key: t.writer, status: 400 });
    expect(latest).toMatchObject({ error: { code: "validation_failed" } });
    await call("DELETE", aliasPath(t, "x"), { key: t.reader, status: 403 });
  });
});

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/aliases/:alias/history", () => {
  it("should record every move and resolve alias@instant", async () => {
    const t = await newTeam();
    await threeVersions(t);
    await call("PUT", aliasPath(t, "prod"), { key: t.writer, body: { version: "v0" } });
    await new Promise((resolve) => setTimeout(resolve, 15));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 15));
    await call("PUT", aliasPath(t, "prod"), { key: t.writer, body: { version: "v2" } });
    await call("DELETE", aliasPath(t, "prod"), { key: t.writer });
    const history = await call("GET", `${aliasPath(t, "prod")}/history`, { key: t.reader });
    expect(history.history.map((row: any) => row.version)).toEqual([0, 2, null]);
    expect(Date.parse(history.history[0].at)).toBeLessThan(Date.parse(between));
    const latestHistory = await call("GET", `${aliasPath(t, "latest")}/history`, { key: t.reader });
    expect(latestHistory.history.map((row: any) => row.version)).toEqual([0, 1, 2]);
    const then = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions/${encodeURIComponent(`prod@${between}`)}`,
      {
        key: t.reader,
      },
    );
    expect(then.version.version).toBe(0);
    const now = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions/${encodeURIComponent(`prod@${new Date().toISOString()}`)}`,
      { key: t.reader, status: 404 },
    );
    expect(now).toMatchObject({ error: { code: "not_found" } });
    const before = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions/${encodeURIComponent("prod@2000-01-01T00:00:00Z")}`,
      {
        key: t.reader,
        status: 404,
      },
    );
    expect(before).toMatchObject({ error: { code: "not_found" } });
    const bad = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions/${encodeURIComponent("prod@yesterday")}`,
      {
        key: t.reader,
        status: 400,
      },
    );
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
    await call("GET", `${aliasPath(t, "never")}/history`, { key: t.reader, status: 404 });
  });
});

describe("ArtifactObject mirror", () => {
  it("should repair D1 from the object: on repairMirror, and on the next call when a mirror was left dirty", async () => {
    const t = await newTeam();
    await threeVersions(t);
    await call("PUT", aliasPath(t, "prod"), { key: t.writer, body: { version: "v1" } });
    const id = await teamId(t.team);
    const project = await env.DB.prepare("SELECT id FROM projects WHERE team_id = ? AND name = 'p'")
      .bind(id)
      .first<{ id: string }>();
    const stub = artifactStub(env, id, project?.id ?? "", "data");
    await env.DB.batch([
      env.DB.prepare("DELETE FROM versions WHERE team_id = ?").bind(id),
      env.DB.prepare(
        "DELETE FROM aliases WHERE artifact_id IN (SELECT id FROM artifacts WHERE team_id = ?)",
      ).bind(id),
    ]);
    expect(await countRows("versions", "team_id = ?", id)).toBe(0);
    await stub.repairMirror();
    expect(await countRows("versions", "team_id = ?", id)).toBe(3);
    expect((await call("GET", aliasPath(t), { key: t.reader })).aliases).toEqual([
      { alias: "latest", version: 2 },
      { alias: "prod", version: 1 },
    ]);

    // A D1 write that did not finish leaves marks behind; the next call of any kind finishes it.
    await env.DB.prepare("DELETE FROM versions WHERE team_id = ? AND number = 1").bind(id).run();
    await runInDurableObject(stub, (_instance, state) => {
      const store = new ArtifactStore(state.storage.sql);
      state.storage.sql.exec("UPDATE versions SET dirty = ? WHERE number = 1", store.nextSeq());
    });
    await call("GET", aliasPath(t), { key: t.reader });
    expect(await countRows("versions", "team_id = ? AND number = 1", id)).toBe(1);
    const state = await artifactClient(env, id, project?.id ?? "", "data").state();
    expect(state?.versions.map((v) => v.number)).toEqual([0, 1, 2]);
  });
});
