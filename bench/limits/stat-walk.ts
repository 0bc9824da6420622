/**
 * @module Stat-walk limit: `find DIR -type f -printf '%s %T@ %i\n'`, which lstat()s every entry and prints
 * size, mtime and inode (the very fields of the CLI's checksum-cache key). An unchanged re-put cannot do
 * less than this walk plus its round trips.
 */
import { runChecked } from "../lib/child.ts";
import { round } from "../lib/timing.ts";

export interface StatWalkLimit {
  files: number;
  seconds: number;
  tool: string;
}

export async function statWalkLimit(dir: string): Promise<StatWalkLimit> {
  const run = await runChecked("find", [dir, "-type", "f", "-printf", "%s %T@ %i\\n"], { measureRss: false });
  const files = run.stdout.split("\n").filter(Boolean).length;
  return {
    files,
    seconds: round(run.seconds, 4),
    tool: "find -type f -printf '%s %T@ %i\\n' (lstat per entry)",
  };
}
