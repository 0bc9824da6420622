/**
 * @module Workloads 1-3 through the real CLI: the big file and the small-file tree, cold `put`, `get` into an
 * empty directory, `get` again from the local cache, and an unchanged re-`put` of the tree. The raw presigned
 * GET limit is measured here too, on the very objects the CLI then downloads (it needs a committed version).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { cairn } from "../lib/cli.ts";
import { type BenchContext, step } from "../lib/context.ts";
import type { EngineConcurrency } from "../lib/engine.ts";
import { artifactPath, callJson } from "../lib/http.ts";
import { mbPerSecond, round } from "../lib/timing.ts";
import { downloadUrls, rawGets } from "../limits/presigned.ts";

interface PutJson {
  ref: string;
  version: number;
  digest: string;
  created: boolean;
  files: number;
  uploadedBytes: number;
  hashedFiles?: number;
}

interface GetJson {
  ref: string;
  version: number;
  path: string;
  files: number;
  downloadedBytes: number;
}

const BIG = "bench-big";
const TREE = "bench-tree";

async function versionPaths(ctx: BenchContext, name: string, version: string): Promise<string[]> {
  const server = ctx.server;
  if (!server) throw new Error("no server");
  const paths: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: { files: { path: string }[]; nextCursor: string | null } = await callJson(
      server,
      "GET",
      `${artifactPath(server, name)}/versions/${version}/files${query}`,
    );
    for (const file of page.files) paths.push(file.path);
    cursor = page.nextCursor;
  } while (cursor);
  return paths;
}

async function put(ctx: BenchContext, source: string, name: string, bytes: number) {
  const run = await cairn<PutJson>(ctx, "put", ["put", source, "--name", name, "--type", "dataset"]);
  return {
    seconds: round(run.seconds),
    mbPerSecond: round(mbPerSecond(bytes, run.seconds), 1),
    peakRssBytes: run.peakRssBytes,
    ...run.json,
  };
}

async function get(ctx: BenchContext, name: string, cacheName: string, root: string, bytes: number) {
  rmSync(root, { recursive: true, force: true });
  const run = await cairn<GetJson>(ctx, cacheName, ["get", `${name}:v0`, "--root", root]);
  rmSync(root, { recursive: true, force: true });
  return {
    seconds: round(run.seconds),
    mbPerSecond: round(mbPerSecond(bytes, run.seconds), 1),
    peakRssBytes: run.peakRssBytes,
    ...run.json,
  };
}

async function rawGetLimit(ctx: BenchContext, name: string, concurrency: number, bytes: number) {
  const server = ctx.server;
  if (!server) throw new Error("no server");
  const paths = await versionPaths(ctx, name, "v0");
  const urls = await downloadUrls(server, artifactPath(server, name), "v0", paths);
  const target = path.join(ctx.work, `raw-get-${name}`);
  const { seconds } = await rawGets(urls, target, concurrency);
  rmSync(target, { recursive: true, force: true });
  return {
    objects: urls.length,
    bytes,
    seconds,
    mbPerSecond: round(mbPerSecond(bytes, seconds), 1),
    objectsPerSecond: round(urls.length / seconds, 1),
    concurrency,
    detail: "presigned GETs from download-urls, bodies streamed to files, no hashing",
  };
}

export async function bigFileWorkload(ctx: BenchContext, concurrency: EngineConcurrency): Promise<void> {
  const bytes = ctx.sizes.bigFileBytes;
  const putResult = await step(ctx, "workloads", "bigPut", () => put(ctx, ctx.bigFile, BIG, bytes));
  if (!putResult) return;
  await step(ctx, "limits", "rawGetBig", () => rawGetLimit(ctx, BIG, concurrency.downloadConcurrency, bytes));
  const root = path.join(ctx.work, "get-big");
  await step(ctx, "workloads", "bigGet", () => get(ctx, BIG, "get-big", root, bytes));
  await step(ctx, "workloads", "bigGetCached", () => get(ctx, BIG, "get-big", root, bytes));
}

export async function treeWorkload(ctx: BenchContext, concurrency: EngineConcurrency): Promise<void> {
  const bytes = ctx.sizes.smallFiles * ctx.sizes.smallFileBytes;
  const putResult = await step(ctx, "workloads", "treePut", async () => {
    const result = await put(ctx, ctx.tree, TREE, bytes);
    return { ...result, objectsPerSecond: round(ctx.sizes.smallFiles / result.seconds, 1) };
  });
  if (!putResult) return;
  await step(ctx, "limits", "rawGetTree", () =>
    rawGetLimit(ctx, TREE, concurrency.downloadConcurrency, bytes),
  );
  const root = path.join(ctx.work, "get-tree");
  await step(ctx, "workloads", "treeGet", async () => {
    const result = await get(ctx, TREE, "get-tree", root, bytes);
    return { ...result, objectsPerSecond: round(ctx.sizes.smallFiles / result.seconds, 1) };
  });
  await step(ctx, "workloads", "treeGetCached", () => get(ctx, TREE, "get-tree", root, bytes));
  await step(ctx, "workloads", "treeReput", () => put(ctx, ctx.tree, TREE, bytes));
}
