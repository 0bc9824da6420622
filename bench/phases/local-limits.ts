/** @module Limits that need no server: sha256, cp and the stat-walk, over the bench's own data. */
import path from "node:path";
import { type BenchContext, step } from "../lib/context.ts";
import { cliStartup, nodeStatWalk } from "../limits/cli-startup.ts";
import { copyLimit } from "../limits/disk.ts";
import { hashFileLimit, hashTreeLimit } from "../limits/hash.ts";
import { statWalkLimit } from "../limits/stat-walk.ts";

export async function localLimits(ctx: BenchContext): Promise<void> {
  const { sizes } = ctx;
  await step(ctx, "limits", "hashBigFile", () => hashFileLimit(ctx.bigFile, sizes.bigFileBytes));
  await step(ctx, "limits", "hashTree", () => hashTreeLimit(ctx.tree, ctx.treePaths, sizes.smallFileBytes));
  await step(ctx, "limits", "cpBigFile", () =>
    copyLimit(ctx.bigFile, path.join(ctx.work, "cp-big"), sizes.bigFileBytes),
  );
  await step(ctx, "limits", "cpTree", () =>
    copyLimit(ctx.tree, path.join(ctx.work, "cp-tree"), sizes.smallFiles * sizes.smallFileBytes),
  );
  // Twice: the first walk may still fault in dentries; the second is the steady state a re-put meets.
  await statWalkLimit(ctx.tree);
  await step(ctx, "limits", "statWalkTree", () => statWalkLimit(ctx.tree));
  await step(ctx, "limits", "statWalkTreeNode", () => nodeStatWalk(ctx.tree));
  await step(ctx, "limits", "cliStartup", () => cliStartup(ctx.root, path.join(ctx.work, "xdg", "startup")));
}
