/**
 * @module Peer: `restic backup` of the same data into a fresh local repository, cold and then again unchanged.
 * restic is a content-addressed, deduplicating, versioned store a team could pick instead of Cairn.
 * Its repository password comes from RESTIC_PASSWORD (this Debian restic predates --insecure-no-password).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { runChecked } from "../lib/child.ts";
import { round } from "../lib/timing.ts";

export interface ResticResult {
  version: string;
  coldSeconds: number;
  unchangedSeconds: number;
  coldAddedBytes: number | null;
  unchangedAddedBytes: number | null;
}

export function resticVersion(): string | null {
  try {
    return execFileSync("restic", ["version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

function addedBytes(stdout: string): number | null {
  // restic --json prints a final {"message_type":"summary", ..., "data_added": N}
  for (const line of stdout.split("\n").reverse()) {
    if (!line.includes('"summary"')) continue;
    try {
      const summary = JSON.parse(line) as { data_added?: number };
      return summary.data_added ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

export async function resticBackup(source: string, workDir: string, label: string): Promise<ResticResult> {
  const version = resticVersion();
  if (!version) throw new Error("restic is not installed (apt-get install -y restic)");
  const repo = path.join(workDir, `restic-${label}`);
  mkdirSync(workDir, { recursive: true });
  const env = {
    ...process.env,
    RESTIC_PASSWORD: "cairn-bench",
    RESTIC_REPOSITORY: repo,
    RESTIC_CACHE_DIR: path.join(workDir, `restic-cache-${label}`),
  };
  await runChecked("restic", ["init"], { env, measureRss: false });
  // The same path twice, so the second backup finds the first as its parent and skips unchanged files.
  const cold = await runChecked("restic", ["backup", "--json", source], { env, measureRss: false });
  const unchanged = await runChecked("restic", ["backup", "--json", source], { env, measureRss: false });
  return {
    version,
    coldSeconds: round(cold.seconds),
    unchangedSeconds: round(unchanged.seconds),
    coldAddedBytes: addedBytes(cold.stdout),
    unchangedAddedBytes: addedBytes(unchanged.stdout),
  };
}
