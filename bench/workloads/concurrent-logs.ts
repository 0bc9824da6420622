/**
 * @module Workload 7: many concurrent logs to one artifact, each with different content, through the SDK in
 * one process (so the figure is the server's, not 50 Node start-ups); then a check that the versions came out
 * gapless and unique: v0..v(n-1).
 */
import path from "node:path";
import { Artifact } from "../../src/sdk/artifact.ts";
import { logArtifact } from "../../src/sdk/upload/log.ts";
import { type BenchContext, step } from "../lib/context.ts";
import { writeSeededFile } from "../lib/data.ts";
import { artifactPath, callJson } from "../lib/http.ts";
import { round, timed } from "../lib/timing.ts";
import { connectOrRecord } from "./commit.ts";

const NAME = "bench-concurrent";

export async function concurrentLogs(ctx: BenchContext): Promise<void> {
  const server = ctx.server;
  const client = await connectOrRecord(ctx);
  if (!server || !client) return;
  const count = ctx.sizes.concurrentLogs;
  await step(ctx, "workloads", "concurrentLogs", async () => {
    const files = Array.from({ length: count }, (_, i) => {
      const file = path.join(ctx.work, "concurrent", `log-${i}`, "metrics.bin");
      writeSeededFile(file, 1024, `concurrent-${i}`);
      return file;
    });
    const cacheRoot = path.join(ctx.work, "xdg", "concurrent", "cairn");
    const { seconds, value } = await timed(() =>
      Promise.all(
        files.map((file) => {
          const artifact = new Artifact({ name: NAME, type: "metrics" });
          artifact.addFile(file);
          return logArtifact(client, cacheRoot, artifact, {});
        }),
      ),
    );
    const versions: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page: { versions: { version: number }[]; nextCursor: string | null } = await callJson(
        server,
        "GET",
        `${artifactPath(server, NAME)}/versions${query}`,
      );
      versions.push(...page.versions.map((v) => v.version));
      cursor = page.nextCursor;
    } while (cursor);
    versions.sort((a, b) => a - b);
    const gapless = versions.length === count && versions.every((v, i) => v === i);
    const created = value.filter((r) => r.created).length;
    if (!gapless) throw new Error(`versions are not v0..v${count - 1}: ${versions.join(",")}`);
    return {
      logs: count,
      created,
      seconds: round(seconds),
      logsPerSecond: round(count / seconds, 1),
      gapless,
    };
  });
}
