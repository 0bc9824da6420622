/** @module Raw presigned PUT limits, measured before any Cairn upload so both start from an empty bucket. */

import { type BenchContext, step } from "../lib/context.ts";
import type { EngineConcurrency } from "../lib/engine.ts";
import { rawMultipartPut, rawSinglePuts } from "../limits/presigned.ts";

export async function rawPutLimits(ctx: BenchContext, concurrency: EngineConcurrency): Promise<void> {
  const server = ctx.server;
  if (!server) return;
  const { sizes } = ctx;
  await step(ctx, "limits", "rawMultipartPut", () =>
    rawMultipartPut(server, ctx.bigFile, sizes.bigFileBytes, concurrency.partConcurrency, "big"),
  );
  await step(ctx, "limits", "rawSinglePuts", () =>
    rawSinglePuts(
      server,
      ctx.tree,
      ctx.treePaths,
      sizes.smallFileBytes,
      concurrency.smallConcurrency,
      "tree",
    ),
  );
}
