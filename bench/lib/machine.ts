/** @module Facts about the machine and the checkout, recorded with every result (figures are only comparable on one machine). */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  commit: string;
  dirty: boolean;
  tools: Record<string, string | null>;
}

function commandOutput(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machineFacts(root: string): MachineFacts {
  const status = commandOutput("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]);
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: commandOutput("git", ["-C", root, "rev-parse", "HEAD"]) ?? "unknown",
    dirty: Boolean(status),
    tools: {
      wrk: commandOutput("wrk", ["--version"])?.split("\n")[0] ?? null,
      restic: commandOutput("restic", ["version"]),
      cp: commandOutput("cp", ["--version"])?.split("\n")[0] ?? null,
      find: commandOutput("find", ["--version"])?.split("\n")[0] ?? null,
    },
  };
}

/** 1, 5 and 15 minute load averages: the machine is shared, so every result says how busy it was. */
export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}
