/**
 * @module Disk limit: `cp` of the same data (a file, and a tree with `cp -r`) onto the same filesystem.
 * The copy is removed afterwards. Both source and copy stay in the page cache on a 24 GiB machine, so this
 * is the cost of the filesystem calls and memory copies, which is what a cached `get` competes with.
 */
import { rmSync } from "node:fs";
import { runChecked } from "../lib/child.ts";
import { mbPerSecond, round } from "../lib/timing.ts";

export interface CopyLimit {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
}

export async function copyLimit(source: string, target: string, bytes: number): Promise<CopyLimit> {
  rmSync(target, { recursive: true, force: true });
  const run = await runChecked("cp", ["-r", source, target], { measureRss: false });
  rmSync(target, { recursive: true, force: true });
  return { bytes, seconds: round(run.seconds), mbPerSecond: round(mbPerSecond(bytes, run.seconds), 1) };
}
