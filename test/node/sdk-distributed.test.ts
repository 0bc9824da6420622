import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Api, Artifact, CairnError, init } from "../../src/sdk/index.ts";
import { cairnEnv, writeTree } from "./support/cairn-env.ts";

async function paths(version: { files(): AsyncIterable<{ path: string }> }): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of version.files()) out.push(entry.path);
  return out;
}

describe("SDK: distributed versions (run.upsertArtifact / run.finishArtifact)", () => {
  it("should commit one version holding what two runs upserted, visible only once finished", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, {
      "w0/part-0.bin": 2048,
      "w0/index.json": '{"shard":0}',
      "w1/part-1.bin": 4096,
      "w1/index.json": '{"shard":1}',
    });
    const api = new Api({ env });
    const worker0 = await init({ env, jobType: "embed" });
    const worker1 = await init({ env, jobType: "embed" });
    const shard = (worker: string) =>
      new Artifact({ name: "embeddings", type: "dataset" }).addDir(path.join(dir, worker), { name: worker });

    const first = await worker0.upsertArtifact(shard("w0"), { distributedId: "job-42" });
    const second = await worker1.upsertArtifact(shard("w1"), { distributedId: "job-42" });
    expect(first).toMatchObject({ distributedId: "job-42", entries: 2, uploadedBytes: 2048 + 11 });
    expect(second).toMatchObject({ draftId: first.draftId, entries: 2, uploadedBytes: 4096 + 11 });
    // Upserting the same content again (a retried worker) is accepted and sends no bytes.
    expect(await worker0.upsertArtifact(shard("w0"), { distributedId: "job-42" })).toMatchObject({
      draftId: first.draftId,
      uploadedBytes: 0,
    });
    await expect(api.artifact("embeddings")).rejects.toMatchObject({ code: "not_found" });

    const finished = await worker0.finishArtifact(
      new Artifact({ name: "embeddings", type: "dataset", metadata: { shards: 2 } }),
      { distributedId: "job-42", aliases: ["complete"] },
    );
    expect(finished).toMatchObject({
      version: 0,
      fileCount: 4,
      size: 2048 + 4096 + 22,
      metadata: { shards: 2 },
    });
    expect(finished.aliases.sort()).toEqual(["complete", "latest"]);
    expect(await paths(finished)).toEqual([
      "w0/index.json",
      "w0/part-0.bin",
      "w1/index.json",
      "w1/part-1.bin",
    ]);
    expect((await finished.loggedBy())?.id).toBe(worker0.id);
    expect(await finished.usedBy()).toEqual([]);

    const root = path.join(dir, "out");
    await finished.download({ root });
    expect(readFileSync(path.join(root, "w1/part-1.bin"))).toEqual(
      readFileSync(path.join(dir, "w1/part-1.bin")),
    );

    // The id is free again: the next upsert starts the next version from nothing.
    writeTree(dir, { "w2/part-2.bin": 100 });
    await worker1.upsertArtifact(shard("w2"), { distributedId: "job-42" });
    const next = await worker1.finishArtifact(new Artifact({ name: "embeddings", type: "dataset" }), {
      distributedId: "job-42",
    });
    expect(next).toMatchObject({ version: 1, fileCount: 1 });
    expect(await paths(next)).toEqual(["w2/part-2.bin"]);
    expect((await api.versions("embeddings")).map((v) => v.version).sort()).toEqual([0, 1]);
    await worker0.finish();
    await worker1.finish();
  });

  it("should refuse a second run's different content for a path already upserted, naming the path", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, { "a/labels/train.csv": "cat,1\n", "b/labels/train.csv": "dog,2\n" });
    const worker0 = await init({ env });
    const worker1 = await init({ env });
    const labels = (from: string) =>
      new Artifact({ name: "labels", type: "dataset" }).addDir(path.join(dir, from, "labels"), {
        name: "labels",
      });

    await worker0.upsertArtifact(labels("a"), { distributedId: "clash" });
    const error = await worker1
      .upsertArtifact(labels("b"), { distributedId: "clash" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({
      code: "path_conflict",
      status: 409,
      message: "path 'labels/train.csv' was already recorded in this draft with different content",
      details: { path: "labels/train.csv" },
    });

    // The first run's content stands: finishing commits it unchanged.
    const version = await worker0.finishArtifact(new Artifact({ name: "labels", type: "dataset" }), {
      distributedId: "clash",
    });
    const root = path.join(dir, "got");
    await version.download({ root });
    expect(readFileSync(path.join(root, "labels/train.csv"), "utf8")).toBe("cat,1\n");
    await worker0.finish();
    await worker1.finish();
  });
});
