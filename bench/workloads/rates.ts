/**
 * @module Workload 6: request rates under 50 concurrent clients on the same server: a trivial Worker route
 * (`GET /health`), a trivial Durable Object call (`GET A/aliases`: the artifact's object answers the alias
 * list), and alias resolution (`GET A/versions/latest`, resolved through the same object).
 */
import path from "node:path";
import { Artifact } from "../../src/sdk/artifact.ts";
import { logArtifact } from "../../src/sdk/upload/log.ts";
import { type BenchContext, step } from "../lib/context.ts";
import { writeSeededFile } from "../lib/data.ts";
import { artifactPath } from "../lib/http.ts";
import { requestRate } from "../limits/http-rate.ts";
import { connectOrRecord } from "./commit.ts";

/** A small artifact of its own (one file, one version), so the figures do not depend on other workloads. */
const ARTIFACT = "bench-small";

export async function rateWorkloads(ctx: BenchContext): Promise<void> {
  const server = ctx.server;
  const client = await connectOrRecord(ctx);
  if (!server || !client) return;
  const file = path.join(ctx.work, "small", "config.json");
  writeSeededFile(file, 512, "small");
  const artifact0 = new Artifact({ name: ARTIFACT, type: "config" }).addFile(file);
  await logArtifact(client, path.join(ctx.work, "xdg", "small", "cairn"), artifact0, {});
  const { rateSeconds, rateConnections } = ctx.sizes;
  const artifact = `${server.url}/api/v1${artifactPath(server, ARTIFACT)}`;
  const measure = async (url: string) => {
    const result = await requestRate(url, server.apiKey, rateConnections, rateSeconds);
    if (result.non2xx > 0)
      throw new Error(`${result.non2xx} of ${result.requests} answers were not 2xx: ${url}`);
    return result;
  };
  // Warm up the isolate and the artifact's object so no run pays for a cold start.
  await fetch(`${artifact}/versions/latest`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  await step(ctx, "limits", "rateHealth", () => measure(`${server.url}/api/v1/health`));
  await step(ctx, "limits", "rateDurableObject", () => measure(`${artifact}/aliases`));
  await step(ctx, "workloads", "rateAliasResolution", () => measure(`${artifact}/versions/latest`));
}
