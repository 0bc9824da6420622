/** @module The peer: restic backup of the same big file and the same tree, cold and again unchanged. */
import path from "node:path";
import { type BenchContext, step } from "../lib/context.ts";
import { resticBackup } from "../limits/restic.ts";

export async function peer(ctx: BenchContext): Promise<void> {
  const dir = path.join(ctx.work, "restic");
  await step(ctx, "limits", "resticBigFile", () => resticBackup(ctx.bigFile, dir, "big"));
  await step(ctx, "limits", "resticTree", () => resticBackup(ctx.tree, dir, "tree"));
}
