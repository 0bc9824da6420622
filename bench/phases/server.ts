/** @module Everything that needs the bench server, in an order where each step finds what it needs. */
import type { BenchContext } from "../lib/context.ts";
import { engineConcurrency } from "../lib/engine.ts";
import { commitWorkloads } from "../workloads/commit.ts";
import { concurrentLogs } from "../workloads/concurrent-logs.ts";
import { incrementalWorkload } from "../workloads/incremental.ts";
import { rateWorkloads } from "../workloads/rates.ts";
import { bigFileWorkload, treeWorkload } from "../workloads/transfer.ts";
import { rawPutLimits } from "./raw-limits.ts";

export async function serverPhases(ctx: BenchContext): Promise<void> {
  const concurrency = await engineConcurrency();
  ctx.results.limits.engineConcurrency = concurrency;
  await rawPutLimits(ctx, concurrency);
  await bigFileWorkload(ctx, concurrency);
  await treeWorkload(ctx, concurrency);
  await commitWorkloads(ctx);
  await incrementalWorkload(ctx);
  await rateWorkloads(ctx);
  await concurrentLogs(ctx);
}
