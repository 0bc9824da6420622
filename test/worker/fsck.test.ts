import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { FsckAllReport, FsckReport } from "../../src/shared/fsck.ts";
import { ArtifactStore } from "../../src/worker/do/artifact-storage.ts";
import { artifactStub } from "../../src/worker/do/artifact-stub.ts";
import { ADMIN_TOKEN, call, env, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, countRows, ref, teamId, verifiedBlob } from "./version-helpers.ts";

async function fsck(t: TestTeam, body: Record<string, unknown> = {}, key = t.admin): Promise<FsckReport> {
  return call<FsckReport>("POST", `/teams/${t.team}/admin/fsck`, { key, body });
}

/** Two blobs, two versions of `data` (one deleted later by some tests), an alias: a healthy team. */
async function healthyTeam() {
  const t = await newTeam("fsck");
  const a = await verifiedBlob(t);
  const b = await verifiedBlob(t);
  await commitEntries(t, "data", [
    { path: "a.bin", sha256: a.sha256, size: a.size },
    { path: "same-as-a.bin", sha256: a.sha256, size: a.size },
    ref("link"),
  ]);
  await commitEntries(t, "data", [{ path: "b.bin", sha256: b.sha256, size: b.size }], { aliases: ["best"] });
  await commitEntries(t, "model", [{ path: "w.bin", sha256: b.sha256, size: b.size }]);
  const id = await teamId(t.team);
  const artifact = await env.DB.prepare(
    "SELECT a.id, a.project_id FROM artifacts a WHERE a.team_id = ? AND a.name = 'data'",
  )
    .bind(id)
    .first<{ id: string; project_id: string }>();
  if (!artifact) throw new Error("artifact row missing");
  return { t, a, b, teamId: id, artifactId: artifact.id, projectId: artifact.project_id };
}

/** Artifacts are checked in id order (random); sort for comparisons across artifacts. */
function byArtifact<T extends { artifact: string }>(violations: T[]): T[] {
  return [...violations].sort((x, y) => x.artifact.localeCompare(y.artifact));
}

describe("POST /api/v1/teams/:team/admin/fsck", () => {
  it("should find nothing wrong with a healthy team, deleted versions included", async () => {
    const { t } = await healthyTeam();
    await commitEntries(t, "data", [ref("third")]);
    await call("DELETE", `${artifactsPath(t, "data")}/versions/v2`, { key: t.writer });
    const report = await fsck(t);
    expect(report).toEqual({
      team: t.team,
      checked: { artifacts: 2, versions: 4, indexPages: 4, pages: 4, blobs: 2 },
      pendingMirrors: 0,
      violations: [],
      nextCursor: null,
    });
  });

  it("should report a broken mirror precisely, repair it from the object, then find nothing", async () => {
    const { t, artifactId } = await healthyTeam();
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE versions SET digest = 'forged', tags = '[\"x\"]' WHERE artifact_id = ? AND number = 0",
      ).bind(artifactId),
      env.DB.prepare("DELETE FROM versions WHERE artifact_id = ? AND number = 1").bind(artifactId),
      env.DB.prepare(
        `INSERT INTO versions (artifact_id, number, team_id, digest, root, file_count, total_size, created_at)
         SELECT artifact_id, 7, team_id, digest, root, file_count, total_size, created_at FROM versions
         WHERE artifact_id = ? AND number = 0`,
      ).bind(artifactId),
      env.DB.prepare("UPDATE aliases SET version = 0 WHERE artifact_id = ? AND alias = 'best'").bind(
        artifactId,
      ),
    ]);
    const broken = await fsck(t);
    expect(broken.violations).toEqual([
      {
        kind: "mirror_version_differs",
        artifact: "p/data",
        version: 0,
        detail: "D1's v0 differs from the object in digest, tags",
      },
      {
        kind: "mirror_missing_version",
        artifact: "p/data",
        version: 1,
        detail: "v1 is committed but has no row in D1",
      },
      {
        kind: "mirror_extra_version",
        artifact: "p/data",
        version: 7,
        detail: "D1 shows v7, which the object never committed",
      },
      {
        kind: "mirror_alias_differs",
        artifact: "p/data",
        detail: "D1 has aliases {best=v0, latest=v1}; the object has {best=v1, latest=v1}",
      },
    ]);
    // The listing shows the forged state until the repair.
    const listed = await call("GET", `${artifactsPath(t, "data")}/versions`, { key: t.reader });
    expect(listed.versions.map((v: { version: number }) => v.version)).toEqual([7, 0]);

    const repaired = await fsck(t, { repair: true });
    expect(repaired.violations.map((v) => [v.kind, v.repaired])).toEqual([
      ["mirror_version_differs", true],
      ["mirror_missing_version", true],
      ["mirror_extra_version", true],
      ["mirror_alias_differs", true],
    ]);
    expect((await fsck(t)).violations).toEqual([]);
    const after = await call("GET", `${artifactsPath(t, "data")}/versions`, { key: t.reader });
    expect(after.versions.map((v: { version: number; aliases: string[] }) => [v.version, v.aliases])).toEqual(
      [
        [1, ["best", "latest"]],
        [0, []],
      ],
    );
  });

  it("should report a blob whose R2 object was deleted, for every version naming it, and not pretend to repair it", async () => {
    const { t, b, teamId: id } = await healthyTeam();
    const blob = await env.DB.prepare("SELECT r2_key FROM blobs WHERE team_id = ? AND sha256 = ?")
      .bind(id, b.sha256)
      .first<{ r2_key: string }>();
    await env.BLOBS.delete(blob?.r2_key ?? "");
    const report = await fsck(t, { repair: true });
    expect(byArtifact(report.violations)).toEqual([
      {
        kind: "blob_object_missing",
        artifact: "p/data",
        version: 1,
        detail: `blob ${b.sha256} ('b.bin'): its object is absent from R2`,
        repaired: false,
      },
      {
        kind: "blob_object_missing",
        artifact: "p/model",
        version: 0,
        detail: `blob ${b.sha256} ('w.bin'): its object is absent from R2`,
        repaired: false,
      },
    ]);
  });

  it("should report an unverified blob, a missing leaf page and a missing index page", async () => {
    const { t, b, teamId: id, artifactId } = await healthyTeam();
    await env.DB.prepare("DELETE FROM blobs WHERE team_id = ? AND sha256 = ?").bind(id, b.sha256).run();
    const model = await env.DB.prepare(
      "SELECT v.root FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.team_id = ? AND a.name = 'model'",
    )
      .bind(id)
      .first<{ root: string }>();
    const [modelIndex] = JSON.parse(model?.root ?? "[]") as string[];
    await env.DB.prepare("DELETE FROM index_pages WHERE team_id = ? AND digest = ?")
      .bind(id, modelIndex)
      .run();
    const v0 = await env.DB.prepare("SELECT root FROM versions WHERE artifact_id = ? AND number = 0")
      .bind(artifactId)
      .first<{ root: string }>();
    const [v0Index] = JSON.parse(v0?.root ?? "[]") as string[];
    const index = await env.DB.prepare("SELECT body FROM index_pages WHERE team_id = ? AND digest = ?")
      .bind(id, v0Index)
      .first<{ body: string }>();
    const leaf = (JSON.parse(index?.body ?? "[]") as [string][])[0]?.[0] ?? "";
    await env.DB.prepare("DELETE FROM pages WHERE team_id = ? AND digest = ?").bind(id, leaf).run();

    const report = await fsck(t);
    expect(byArtifact(report.violations)).toEqual([
      { kind: "page_missing", artifact: "p/data", version: 0, detail: `leaf page ${leaf} is missing` },
      {
        kind: "blob_unverified",
        artifact: "p/data",
        version: 1,
        detail: `blob ${b.sha256} ('b.bin'): not verified for this team`,
      },
      {
        kind: "index_page_missing",
        artifact: "p/model",
        version: 0,
        detail: `index page ${modelIndex} is missing`,
      },
    ]);
  });

  it("should name a wrong-sized object once for all the paths that share it", async () => {
    const { t, a, teamId: id } = await healthyTeam();
    const row = await env.DB.prepare("SELECT r2_key FROM blobs WHERE team_id = ? AND sha256 = ?")
      .bind(id, a.sha256)
      .first<{ r2_key: string }>();
    await env.BLOBS.put(row?.r2_key ?? "", new Uint8Array(3));
    expect((await fsck(t)).violations).toEqual([
      {
        kind: "blob_object_size",
        artifact: "p/data",
        version: 0,
        detail: `blob ${a.sha256} ('a.bin', 'same-as-a.bin'): its object in R2 has 3 bytes, not ${a.size}`,
      },
    ]);
  });

  it("should report object-side faults: a gap, a wrong latest, a dangling alias, an orphan row", async () => {
    const { t, teamId: id, projectId } = await healthyTeam();
    await runInDurableObject(artifactStub(env, id, projectId, "data"), (_instance, state) => {
      state.storage.sql.exec("UPDATE versions SET number = 5 WHERE number = 1");
      state.storage.sql.exec("UPDATE aliases SET version = 9 WHERE alias = 'best'");
    });
    await env.DB.prepare(
      `INSERT INTO versions (artifact_id, number, team_id, digest, root, file_count, total_size, created_at)
       VALUES ('no-such-artifact', 0, ?, 'd', '[]', 0, 0, 0)`,
    )
      .bind(id)
      .run();
    const report = await fsck(t);
    const kinds = report.violations.map((v) => [v.kind, v.artifact, v.version]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ["orphan_version", "?/no-such-artifact", 0],
        ["version_gap", "p/data", 5],
        ["latest_wrong", "p/data", 1],
        ["alias_dangling", "p/data", 9],
        ["alias_dangling", "p/data", 1],
      ]),
    );
    expect(report.violations.find((v) => v.kind === "latest_wrong")?.detail).toBe(
      "latest names v1; the highest live version is v5",
    );
  });

  it("should catch up a mirror write a crash left pending without calling it a violation", async () => {
    const { t, artifactId, teamId: id, projectId } = await healthyTeam();
    await env.DB.prepare("DELETE FROM versions WHERE artifact_id = ? AND number = 1").bind(artifactId).run();
    await runInDurableObject(artifactStub(env, id, projectId, "data"), (_instance, state) => {
      const store = new ArtifactStore(state.storage.sql);
      state.storage.sql.exec("UPDATE versions SET dirty = ? WHERE number = 1", store.nextSeq());
    });
    const report = await fsck(t);
    expect(report).toMatchObject({ pendingMirrors: 1, violations: [] });
    expect(await countRows("versions", "artifact_id = ? AND number = 1", artifactId)).toBe(1);
  });

  it("should page through artifacts with a cursor", async () => {
    const t = await newTeam("fsck");
    for (const name of ["a", "b", "c"]) await commitEntries(t, name, [ref(name)]);
    const seen: number[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const report: FsckReport = await fsck(t, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(report.checked.artifacts);
      expect(report.violations).toEqual([]);
      cursor = report.nextCursor;
      pages++;
    } while (cursor && pages < 5);
    expect(seen).toEqual([2, 1]);
  });

  it("should need an admin key of this team or the deployment admin token", async () => {
    const { t } = await healthyTeam();
    const other = await newTeam("fsck");
    for (const key of [t.reader, t.writer]) {
      const res = await call("POST", `/teams/${t.team}/admin/fsck`, { key, body: {}, status: 403 });
      expect(res).toMatchObject({
        error: { code: "forbidden", message: expect.stringContaining("'admin'") },
      });
    }
    const foreign = await call("POST", `/teams/${t.team}/admin/fsck`, {
      key: other.admin,
      body: {},
      status: 404,
    });
    expect(foreign).toMatchObject({ error: { code: "not_found" } });
    expect((await fsck(t, {}, ADMIN_TOKEN)).violations).toEqual([]);
    const bad = await call("POST", `/teams/${t.team}/admin/fsck`, {
      key: t.admin,
      body: { repair: "yes", limit: 0 },
      status: 400,
    });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
  });
});

describe("POST /api/v1/admin/fsck", () => {
  it("should check every team a page at a time, for the deployment admin token only", async () => {
    const { t } = await healthyTeam();
    const denied = await call("POST", "/admin/fsck", { key: t.admin, body: {}, status: 403 });
    expect(denied).toMatchObject({ error: { code: "forbidden" } });
    const reports: FsckAllReport["teams"] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 200; i++) {
      const page: FsckAllReport = await call("POST", "/admin/fsck", {
        key: ADMIN_TOKEN,
        body: { limit: 3, ...(cursor ? { cursor } : {}) },
      });
      reports.push(...page.teams);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    const mine = reports.filter((report) => report.team === t.team);
    expect(mine.reduce((sum, report) => sum + report.checked.artifacts, 0)).toBe(2);
    expect(mine.flatMap((report) => report.violations)).toEqual([]);
  });
});
