import { describe, expect, it } from "vitest";
import { cutLeafPages, manifestDigest, sortEntries } from "../../src/shared/manifest.ts";
import { artifactClient } from "../../src/worker/do/artifact-stub.ts";
import { api, call, env, newTeam } from "./helpers.ts";
import {
  artifactRows,
  artifactsPath,
  commitEntries,
  countRows,
  ref,
  refs,
  teamId,
  verifiedBlob,
} from "./version-helpers.ts";

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions", () => {
  it("should commit inline entries as v0, then v1, and shape the version", async () => {
    const t = await newTeam();
    const blob = await verifiedBlob(t);
    const entries = [{ path: "b/two.txt", sha256: blob.sha256, size: blob.size }, ref("a/one.txt")];
    const first = await commitEntries(t, "data", entries, {
      aliases: ["best"],
      metadata: { rows: 2 },
      description: "first",
      tags: ["raw"],
    });
    expect(first).toMatchObject({
      created: true,
      version: {
        artifact: "data",
        type: "dataset",
        version: 0,
        ref: `${t.team}/p/data:v0`,
        digest: manifestDigest(cutLeafPages(sortEntries([...entries])).map((page) => page.digest)),
        size: blob.size + "a/one.txt".length,
        files: 2,
        aliases: ["best", "latest"],
        metadata: { rows: 2 },
        description: "first",
        tags: ["raw"],
        runId: null,
      },
    });
    expect(Date.parse(first.version.createdAt)).not.toBeNaN();
    const second = await commitEntries(t, "data", [ref("a/one.txt", "changed")]);
    expect(second.version).toMatchObject({ version: 1, aliases: ["latest"], files: 1 });
    const got = await call("GET", `${artifactsPath(t, "data")}/versions/v0`, { key: t.reader });
    expect(got.version).toMatchObject({ version: 0, aliases: ["best"], digest: first.version.digest });
    const latest = await call("GET", `${artifactsPath(t, "data")}/versions/latest`, { key: t.reader });
    expect(latest.version.version).toBe(1);
  });

  it("should return the existing version with created=false for the same content and apply aliases", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(3));
    const again = await commitEntries(t, "data", refs(3), { aliases: ["prod"] }, 200);
    expect(again).toMatchObject({ created: false, version: { version: 0, aliases: ["latest", "prod"] } });
    expect(await artifactRows(t)).toEqual({ artifacts: 1, versions: 1 });
  });

  it("should refuse another type with 409 type_mismatch and write nothing", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(2));
    const res = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "model", entries: refs(3) },
      status: 409,
    });
    expect(res).toMatchObject({ error: { code: "type_mismatch", details: { type: "dataset" } } });
    expect(await artifactRows(t)).toEqual({ artifacts: 1, versions: 1 });
  });

  it("should refuse a missing blob with 422 blob_missing and leave no artifact behind", async () => {
    const t = await newTeam();
    const other = await newTeam();
    const theirs = await verifiedBlob(other);
    const missing = "0".repeat(64);
    const res = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: {
        type: "dataset",
        entries: [
          { path: "x", sha256: missing, size: 1 },
          { path: "y", sha256: theirs.sha256, size: theirs.size },
        ],
      },
      status: 422,
    });
    expect(res).toMatchObject({
      error: { code: "blob_missing", details: { missing: [missing, theirs.sha256] } },
    });
    expect(res.error.message).not.toContain(other.team);
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
  });

  it.each([
    ["../x", "'.' or '..'"],
    ["/abs", "relative"],
    ["a//b", "empty segment"],
    ["a\\b", "backslash"],
    ["a\u0000b", "control"],
    ["x".repeat(1025), "longer than 1024"],
  ])("should refuse the path %j with 400 and leave nothing behind", async (path, message) => {
    const t = await newTeam();
    const res = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [ref("ok"), { path, ref: "https://example.com/x" }] },
      status: 400,
    });
    expect(res).toMatchObject({ error: { code: "validation_failed" } });
    expect(res.error.message).toContain(message);
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
  });

  it("should refuse a duplicate path and metadata over 64 KiB with 400", async () => {
    const t = await newTeam();
    const dup = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [ref("a"), ref("b"), ref("a", "other")] },
      status: 400,
    });
    expect(dup).toMatchObject({ error: { code: "validation_failed", details: { path: "a" } } });
    expect(dup.error.message).toContain("'a'");
    const big = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [ref("a")], metadata: { blob: "x".repeat(65 * 1024) } },
      status: 400,
    });
    expect(big).toMatchObject({ error: { code: "validation_failed" } });
    expect(big.error.message).toContain("metadata");
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
  });

  it("should refuse a reader (403), an unknown project (404) and another team (404)", async () => {
    const t = await newTeam();
    const other = await newTeam();
    const reader = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.reader,
      body: { type: "dataset", entries: [ref("a")] },
      status: 403,
    });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const project = await call("POST", `${artifactsPath(t, "data", "nope")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [ref("a")] },
      status: 404,
    });
    expect(project).toMatchObject({ error: { code: "not_found", message: "project 'nope' not found" } });
    const foreign = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: other.writer,
      body: { type: "dataset", entries: [ref("a")] },
      status: 404,
    });
    expect(foreign).toMatchObject({ error: { code: "not_found" } });
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
  });

  it("should refuse an unknown run with 404 before writing, and write the output edge for a known one", async () => {
    const t = await newTeam();
    const unknown = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [ref("a")], runId: "no-such-run" },
      status: 404,
    });
    expect(unknown).toMatchObject({ error: { code: "not_found", message: "run 'no-such-run' not found" } });
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
    const id = await teamId(t.team);
    const project = await env.DB.prepare("SELECT id FROM projects WHERE team_id = ? AND name = 'p'")
      .bind(id)
      .first<{ id: string }>();
    await env.DB.prepare(
      "INSERT INTO runs (id, team_id, project_id, name, heartbeat_at) VALUES ('run-1', ?, ?, 'r', 0)",
    )
      .bind(id, project?.id)
      .run();
    const committed = await commitEntries(t, "data", [ref("a")], { runId: "run-1" });
    expect(committed.version.runId).toBe("run-1");
    expect(
      await countRows(
        "lineage_edges",
        "run_id = 'run-1' AND version = 0 AND direction = 'output' AND team_id = ?",
        id,
      ),
    ).toBe(1);
  });

  it("should commit uploaded pages, and refuse missing, unordered and unclosed pages", async () => {
    const t = await newTeam();
    const pages = cutLeafPages(refs(600));
    expect(pages.length).toBeGreaterThan(2);
    const digests = pages.map((page) => page.digest);
    const prepared = await call("POST", `/teams/${t.team}/pages/prepare`, {
      key: t.writer,
      body: { digests },
    });
    expect(prepared.missing).toEqual(digests);
    const missing = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", pages: digests },
      status: 422,
    });
    expect(missing).toMatchObject({ error: { code: "page_missing", details: { missing: digests } } });
    await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: pages.map((page) => ({ digest: page.digest, entries: page.entries })) },
      status: 201,
    });
    const swapped = [digests[1], digests[0], ...digests.slice(2)];
    const unordered = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", pages: swapped },
      status: 400,
    });
    expect(unordered).toMatchObject({ error: { code: "validation_failed" } });
    expect(unordered.error.message).toContain("path order");
    // A page that ends without a boundary may only be last.
    const openPage = cutLeafPages([ref("zz/open-a"), ref("zz/open-b")]);
    expect(openPage).toHaveLength(1);
    await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: [{ digest: openPage[0]?.digest, entries: openPage[0]?.entries }] },
      status: 201,
    });
    const unclosed = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: {
        type: "dataset",
        pages: [...digests.slice(0, -1), openPage[0]?.digest, digests[digests.length - 1]],
      },
      status: 400,
    });
    expect(unclosed.error.code).toBe("validation_failed");
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
    const ok = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", pages: digests },
      status: 201,
    });
    expect(ok.version).toMatchObject({ version: 0, files: 600, digest: manifestDigest(digests) });
  });
});

describe("GET /api/v1/teams/:team/projects/:project/artifacts", () => {
  it("should list artifacts with their latest version and aliases, filtered by type", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(2), { aliases: ["best"] });
    await commitEntries(t, "data", refs(3));
    await call("POST", `${artifactsPath(t, "net")}/versions`, {
      key: t.writer,
      body: { type: "model", entries: refs(1) },
      status: 201,
    });
    const all = await call("GET", artifactsPath(t), { key: t.reader });
    expect(all.artifacts.map((a: any) => a.name)).toEqual(["data", "net"]);
    expect(all.artifacts[0]).toMatchObject({
      name: "data",
      type: "dataset",
      versionCount: 2,
      latest: { version: 1, files: 3 },
      aliases: [
        { alias: "best", version: 0 },
        { alias: "latest", version: 1 },
      ],
    });
    const models = await call("GET", `${artifactsPath(t)}?type=model`, { key: t.reader });
    expect(models.artifacts.map((a: any) => a.name)).toEqual(["net"]);
    const one = await call("GET", artifactsPath(t, "net"), { key: t.reader });
    expect(one.artifact).toMatchObject({ name: "net", type: "model", versionCount: 1 });
    const unknown = await call("GET", artifactsPath(t, "nope"), { key: t.reader, status: 404 });
    expect(unknown).toMatchObject({ error: { code: "not_found", message: "artifact 'nope' not found" } });
  });
});

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/versions", () => {
  it("should list newest first with a cursor and hide deleted versions", async () => {
    const t = await newTeam();
    for (let i = 0; i < 5; i++) await commitEntries(t, "data", refs(1, `v${i}`));
    await call("DELETE", `${artifactsPath(t, "data")}/versions/v2`, { key: t.writer });
    const first = await call("GET", `${artifactsPath(t, "data")}/versions?limit=2`, { key: t.reader });
    expect(first.versions.map((v: any) => v.version)).toEqual([4, 3]);
    const second = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions?limit=2&cursor=${first.nextCursor}`,
      {
        key: t.reader,
      },
    );
    expect(second.versions.map((v: any) => v.version)).toEqual([1, 0]);
    expect(second.nextCursor).toBeNull();
  });

  it("should answer 404 for an unknown artifact, version and alias", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(1));
    for (const path of ["nope/versions", "data/versions/v9", "data/versions/prod", "nope/versions/v0"]) {
      const res = await call("GET", `${artifactsPath(t)}/${path}`, { key: t.reader, status: 404 });
      expect(res).toMatchObject({ error: { code: "not_found" } });
    }
  });
});

describe("PATCH /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector", () => {
  it("should update metadata, description and tags and keep them through a mirror repair", async () => {
    const t = await newTeam();
    const committed = await commitEntries(t, "data", refs(2), { metadata: { a: 1 } });
    const patched = await call("PATCH", `${artifactsPath(t, "data")}/versions/latest`, {
      key: t.writer,
      body: { metadata: { a: 2 }, description: "better", tags: ["clean"] },
    });
    expect(patched.version).toMatchObject({
      version: 0,
      metadata: { a: 2 },
      description: "better",
      tags: ["clean"],
      digest: committed.version.digest,
    });
    const reader = await call("PATCH", `${artifactsPath(t, "data")}/versions/v0`, {
      key: t.reader,
      body: { description: "x" },
      status: 403,
    });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const id = await teamId(t.team);
    const project = await env.DB.prepare("SELECT id FROM projects WHERE team_id = ? AND name = 'p'")
      .bind(id)
      .first<{ id: string }>();
    await env.DB.prepare("DELETE FROM versions WHERE team_id = ?").bind(id).run();
    await artifactClient(env, id, project?.id ?? "", "data").repairMirror();
    const got = await call("GET", `${artifactsPath(t, "data")}/versions/v0`, { key: t.reader });
    expect(got.version).toMatchObject({ metadata: { a: 2 }, description: "better", tags: ["clean"] });
    expect(await countRows("versions", "team_id = ?", id)).toBe(1);
  });
});

describe("DELETE /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector", () => {
  it("should refuse while an alias points at it, then delete with deleteAliases and move latest", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(1, "a"));
    await commitEntries(t, "data", refs(1, "b"), { aliases: ["prod"] });
    const refused = await call("DELETE", `${artifactsPath(t, "data")}/versions/v1`, {
      key: t.writer,
      status: 409,
    });
    expect(refused).toMatchObject({ error: { code: "alias_in_use", details: { aliases: ["prod"] } } });
    await call("DELETE", `${artifactsPath(t, "data")}/versions/v1?deleteAliases=true`, { key: t.writer });
    const latest = await call("GET", `${artifactsPath(t, "data")}/versions/latest`, { key: t.reader });
    expect(latest.version).toMatchObject({ version: 0, aliases: ["latest"] });
    await call("GET", `${artifactsPath(t, "data")}/versions/v1`, { key: t.reader, status: 404 });
    await call("GET", `${artifactsPath(t, "data")}/versions/prod`, { key: t.reader, status: 404 });
    // Numbers are never reused.
    const next = await commitEntries(t, "data", refs(1, "c"));
    expect(next.version.version).toBe(2);
    const res = await api("DELETE", `${artifactsPath(t, "data")}/versions/v0`, { key: t.reader });
    expect(res.status).toBe(403);
  });
});

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (blob sizes)", () => {
  it("should refuse an entry whose size is not its verified blob's size, inline or in pages", async () => {
    const t = await newTeam();
    const blob = await verifiedBlob(t);
    const lie = { path: "x.bin", sha256: blob.sha256, size: blob.size + 1 };
    const inline = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [lie] },
      status: 400,
    });
    expect(inline).toMatchObject({ error: { code: "validation_failed", details: { path: "x.bin" } } });
    const pages = cutLeafPages([lie]);
    await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: pages.map((page) => ({ digest: page.digest, entries: page.entries })) },
      status: 201,
    });
    const paged = await call("POST", `${artifactsPath(t, "data")}/versions`, {
      key: t.writer,
      body: { type: "dataset", pages: pages.map((page) => page.digest) },
      status: 400,
    });
    expect(paged).toMatchObject({ error: { code: "validation_failed", details: { path: "x.bin" } } });
    expect(await artifactRows(t)).toEqual({ artifacts: 0, versions: 0 });
  });
});

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (names)", () => {
  it("should refuse an invalid artifact name with 400", async () => {
    const t = await newTeam();
    const res = await call("POST", `${artifactsPath(t, "-bad")}/versions`, {
      key: t.writer,
      body: { type: "dataset", entries: [ref("a")] },
      status: 400,
    });
    expect(res).toMatchObject({ error: { code: "validation_failed" } });
    expect(res.error.message).toContain("artifact name");
  });
});
