/**
 * @module Workload 4: an artifact of many entries (committed through the SDK as its base), then one file changed
 * and committed with `cairn put DIR --base v0`, timed end to end (process start to exit, as a user sees it).
 */
import path from "node:path";
import { cairn } from "../lib/cli.ts";
import { type BenchContext, step } from "../lib/context.ts";
import { writeSeededFile } from "../lib/data.ts";
import { artifactPath, callJson } from "../lib/http.ts";
import { round } from "../lib/timing.ts";
import { commitManifest, connectOrRecord, syntheticPath } from "./commit.ts";

const NAME = "bench-incremental";

export async function incrementalWorkload(ctx: BenchContext): Promise<void> {
  const server = ctx.server;
  const client = await connectOrRecord(ctx);
  if (!server || !client) return;
  const entries = ctx.sizes.incrementalEntries;
  const base = await step(ctx, "workloads", "incrementalBase", () =>
    commitManifest(ctx, client, NAME, entries),
  );
  if (!base) return;
  await step(ctx, "workloads", "incremental", async () => {
    const dir = path.join(ctx.work, "incremental");
    const changed = syntheticPath(Math.floor(entries / 2));
    writeSeededFile(path.join(dir, changed), ctx.sizes.smallFileBytes, "incremental-change");
    const run = await cairn<{ version: number; created: boolean; uploadedBytes: number }>(ctx, "put", [
      "put",
      dir,
      "--name",
      NAME,
      "--type",
      "dataset",
      "--base",
      "v0",
    ]);
    const { version } = await callJson<{ version: { version: number; files: number } }>(
      server,
      "GET",
      `${artifactPath(server, NAME)}/versions/v${run.json.version}`,
    );
    if (version.files !== entries)
      throw new Error(`the new version has ${version.files} files, expected ${entries}`);
    return {
      entries,
      changedPath: changed,
      seconds: round(run.seconds),
      version: run.json.version,
      created: run.json.created,
      uploadedBytes: run.json.uploadedBytes,
      peakRssBytes: run.peakRssBytes,
      detail: "cairn put DIR --base v0 (one changed file), process start to exit",
    };
  });
}
