/**
 * @module Workload 5: committing a large manifest whose blobs are already present (the tree's blobs, each named
 * by many paths), through the SDK's own manifest path: cut pages, offer digests, upload the missing pages,
 * commit by page digests. Also creates the base artifact of workload 4.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "../../src/sdk/client.ts";
import { uploadManifest } from "../../src/sdk/upload/pages.ts";
import type { BlobEntry } from "../../src/shared/manifest.ts";
import { type BenchContext, step } from "../lib/context.ts";
import { round, timed } from "../lib/timing.ts";

export const COMMIT_ARTIFACT = "bench-commit";
export const COMMIT_LARGE_ARTIFACT = "bench-commit-large";

export async function benchClient(ctx: BenchContext): Promise<Client> {
  const server = ctx.server;
  if (!server) throw new Error("no server");
  return Client.connect({
    host: server.url,
    key: server.apiKey,
    team: server.team,
    project: server.project,
    env: {} as NodeJS.ProcessEnv,
  });
}

/** An SDK client for the bench server, or undefined (and an error recorded) when the SDK cannot connect. */
export async function connectOrRecord(ctx: BenchContext): Promise<Client | undefined> {
  try {
    return await benchClient(ctx);
  } catch (error) {
    ctx.results.errors.push({
      step: "sdk.connect",
      message: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** The tree's blobs (verified by workload 2): their digests and sizes, in tree order. */
export function treeBlobs(ctx: BenchContext): { sha256: string; size: number }[] {
  return ctx.treePaths.map((rel) => {
    const bytes = readFileSync(path.join(ctx.tree, rel));
    return { sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
  });
}

/** The i-th path of a synthetic manifest: 1000 directories of up to 1000 files, like a sharded dataset. */
export function syntheticPath(i: number): string {
  return `shard-${String(Math.floor(i / 1000)).padStart(4, "0")}/item-${String(i).padStart(7, "0")}.bin`;
}

export function syntheticEntries(count: number, blobs: { sha256: string; size: number }[]): BlobEntry[] {
  const entries: BlobEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const blob = blobs[i % blobs.length] as { sha256: string; size: number };
    entries[i] = { path: syntheticPath(i), sha256: blob.sha256, size: blob.size };
  }
  return entries;
}

export async function commitManifest(ctx: BenchContext, client: Client, name: string, count: number) {
  const blobs = treeBlobs(ctx);
  const entries = syntheticEntries(count, blobs);
  const pages = await timed(() => uploadManifest(client, entries));
  const commit = await timed(() =>
    client.request<{ version: { version: number; files: number; digest: string }; created: boolean }>(
      "POST",
      client.artifactPath(client.project, name, "/versions"),
      { type: "dataset", pages: pages.value },
    ),
  );
  if (commit.value.version.files !== count) {
    throw new Error(`committed ${commit.value.version.files} files, expected ${count}`);
  }
  return {
    entries: count,
    distinctBlobs: blobs.length,
    pages: pages.value.length,
    seconds: round(pages.seconds + commit.seconds),
    pagesSeconds: round(pages.seconds),
    commitSeconds: round(commit.seconds),
    version: commit.value.version.version,
    created: commit.value.created,
    detail:
      "SDK uploadManifest (cut, pages/prepare, POST pages) + POST versions {pages}; blobs already verified",
  };
}

export async function commitWorkloads(ctx: BenchContext): Promise<void> {
  const client = await connectOrRecord(ctx);
  if (!client) return;
  await step(ctx, "workloads", "commit", () =>
    commitManifest(ctx, client, COMMIT_ARTIFACT, ctx.sizes.commitEntries),
  );
  await step(ctx, "workloads", "commitLarge", () =>
    commitManifest(ctx, client, COMMIT_LARGE_ARTIFACT, ctx.sizes.commitLargeEntries),
  );
}
