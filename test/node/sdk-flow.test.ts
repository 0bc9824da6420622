import { readFileSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Api, Artifact, CairnError, init } from "../../src/sdk/index.ts";
import { cairnEnv, writeTree } from "./support/cairn-env.ts";

const startDir = process.cwd();
afterEach(() => process.chdir(startDir));

/** Files written moments ago are "racily clean" for the checksum cache; age them like a real dataset. */
function age(dir: string, files: string[]): void {
  const old = Date.now() / 1000 - 3600;
  for (const f of files) utimesSync(path.join(dir, f), old, old);
}

describe("SDK: init / Artifact / logArtifact / useArtifact / download", () => {
  it("should round-trip the issue's flow byte for byte and record both lineage edges", async () => {
    const { dir, env } = await cairnEnv();
    process.chdir(dir);
    writeTree(dir, { "data/train.csv": 50_000 });

    const run = await init({ project: "my-ml-project", env });
    const artifact = new Artifact({ name: "training-data", type: "dataset" });
    artifact.addFile("data/train.csv");
    const logged = await run.logArtifact(artifact);
    await run.finish();
    expect(logged).toMatchObject({ name: "training-data", version: 0, fileCount: 1, size: 50_000 });

    const run2 = await init({ project: "my-ml-project", jobType: "train", env });
    const used = await run2.useArtifact("training-data:latest");
    const downloaded = await used.download();
    await run2.finish();
    expect(downloaded).toBe(path.join("artifacts", "training-data:v0"));
    expect(readFileSync(path.join(dir, downloaded, "train.csv"))).toEqual(
      readFileSync(path.join(dir, "data/train.csv")),
    );

    expect((await used.loggedBy())?.id).toBe(run.id);
    expect((await used.usedBy()).map((r) => r.id)).toEqual([run2.id]);
    const api = new Api({ env, project: "my-ml-project" });
    const detail = await api.run(run2.id);
    expect(detail.run.status).toBe("finished");
    expect(detail.inputs.map((v) => v.ref)).toEqual([logged.ref]);
  });

  it("should create no version and upload nothing when the same directory is logged twice", async () => {
    const { dir, env } = await cairnEnv();
    const files = { "a.txt": "alpha", "b/c.bin": 4096, "b/d.bin": 70_000 };
    writeTree(path.join(dir, "ds"), files);
    age(path.join(dir, "ds"), Object.keys(files));
    const api = new Api({ env });
    const log = () =>
      api.logArtifact(new Artifact({ name: "twice", type: "dataset" }).addDir(path.join(dir, "ds")));

    const first = await log();
    expect(first).toMatchObject({
      created: true,
      files: 3,
      uploadedBytes: 5 + 4096 + 70_000,
      hashedFiles: 3,
    });
    const second = await log();
    expect(second).toMatchObject({
      created: false,
      files: 3,
      uploadedBytes: 0,
      uploadedFiles: 0,
      hashedFiles: 0,
    });
    expect(second.version.digest).toBe(first.version.digest);
    expect((await api.versions("twice")).map((v) => v.version)).toEqual([0]);
  });

  it("should log references, removals, metadata and aliases, list files by prefix, and verify a download", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(path.join(dir, "src"), { "keep/a.txt": "a", "keep/b.txt": "b", "scratch/tmp.txt": "tmp" });
    const artifact = new Artifact({
      name: "mixed",
      type: "dataset",
      description: "a mixed artifact",
      metadata: { rows: 2 },
    })
      .addDir(path.join(dir, "src"), { name: "files" })
      .remove("files/scratch")
      .addReference("s3://bucket/shard-0.tar", { size: 10 });
    const api = new Api({ env });
    const { artifactVersion: v } = await api.logArtifact(artifact, { aliases: ["best"], tags: ["clean"] });
    expect(v).toMatchObject({
      fileCount: 3,
      metadata: { rows: 2 },
      description: "a mixed artifact",
      tags: ["clean"],
    });
    expect(v.aliases.sort()).toEqual(["best", "latest"]);

    const listed = [];
    for await (const f of v.files({ prefix: "files/" })) listed.push(f.path);
    expect(listed).toEqual(["files/keep/a.txt", "files/keep/b.txt"]);

    const root = path.join(dir, "out");
    const report = await v.downloadWithReport({ root });
    expect(report).toMatchObject({ files: 3, downloadedFiles: 2 });
    expect(report.skipped).toMatchObject([{ path: "shard-0.tar" }]);
    expect(readFileSync(path.join(root, "files/keep/b.txt"), "utf8")).toBe("b");
    const verified = await v.verify(root);
    expect(verified).toMatchObject({ ok: false, missing: ["shard-0.tar"], mismatched: [] });
    const scoped = await v.verify(root, { pathPrefix: "files/" });
    expect(scoped).toMatchObject({ ok: true, checked: 2, missing: [], mismatched: [], extra: [] });
  });

  it("should commit a draft that sends only the changes, and delete a version", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(path.join(dir, "v0"), { "a.txt": "a", "b.txt": "b", "old/x.txt": "x" });
    writeTree(path.join(dir, "new"), { "c.txt": "c" });
    const api = new Api({ env });
    const { artifactVersion: base } = await api.logArtifact(
      new Artifact({ name: "drafted", type: "dataset", metadata: { k: 1 } }).addDir(path.join(dir, "v0")),
    );
    const draft = base.newDraft();
    draft.addFile(path.join(dir, "new/c.txt")).remove("old");
    const next = await draft.commit({ aliases: ["candidate"] });
    expect(next).toMatchObject({ version: 1, fileCount: 3, metadata: { k: 1 } });
    const paths = [];
    for await (const f of next.files()) paths.push(f.path);
    expect(paths).toEqual(["a.txt", "b.txt", "c.txt"]);

    await next.delete({ deleteAliases: true });
    expect((await api.versions("drafted")).map((v) => v.version)).toEqual([0]);
    await expect(api.artifact("drafted:v1")).rejects.toMatchObject({ code: "not_found", status: 404 });
  });

  it("should throw a CairnError with the API's code for an unknown artifact", async () => {
    const { env } = await cairnEnv();
    const error = await new Api({ env }).artifact("nothing-here:latest").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({ code: "not_found", status: 404 });
  });
});

describe("SDK: large transfers", () => {
  it("should upload a file of 3 multipart parts and download it byte for byte", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, { "big/model.bin": 40 * 1024 * 1024 });
    const api = new Api({ env });
    const result = await api.logArtifact(
      new Artifact({ name: "big", type: "model" }).addDir(path.join(dir, "big")),
    );
    expect(result).toMatchObject({ created: true, uploadedBytes: 40 * 1024 * 1024 });
    const root = path.join(dir, "down");
    await result.artifactVersion.download({ root });
    expect(
      readFileSync(path.join(root, "model.bin")).equals(readFileSync(path.join(dir, "big/model.bin"))),
    ).toBe(true);
  });

  it("should round-trip a directory of 1000 small files and serve a second download from the cache", async () => {
    const { dir, env } = await cairnEnv();
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`shard-${Math.floor(i / 100)}/item-${i}.txt`] = `item ${i}\n`;
    writeTree(path.join(dir, "many"), files);
    const api = new Api({ env });
    const logged = await api.logArtifact(
      new Artifact({ name: "many", type: "dataset" }).addDir(path.join(dir, "many")),
    );
    expect(logged).toMatchObject({ created: true, files: 1000, uploadedFiles: 1000 });

    const first = await logged.artifactVersion.downloadWithReport({ root: path.join(dir, "d1") });
    expect(first).toMatchObject({ files: 1000, downloadedFiles: 1000, fromCache: 0 });
    expect(readFileSync(path.join(dir, "d1/shard-7/item-777.txt"), "utf8")).toBe("item 777\n");
    const second = await logged.artifactVersion.downloadWithReport({ root: path.join(dir, "d2") });
    expect(second).toMatchObject({ files: 1000, downloadedBytes: 0, downloadedFiles: 0, fromCache: 1000 });
    const again = await logged.artifactVersion.downloadWithReport({ root: path.join(dir, "d2") });
    expect(again).toMatchObject({ downloadedBytes: 0, alreadyPresent: 1000 });
    expect(await logged.artifactVersion.verify(path.join(dir, "d2"))).toMatchObject({
      ok: true,
      checked: 1000,
    });
  });
});
