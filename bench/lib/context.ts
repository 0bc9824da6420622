/** @module What every bench phase shares: sizes, directories, the server, and the results being recorded. */

import type { BenchServer } from "./http.ts";
import type { MachineFacts } from "./machine.ts";

export interface Sizes {
  /** Workload 1: one large file. */
  bigFileBytes: number;
  /** Workload 2/3: a tree of many small files. */
  smallFiles: number;
  smallFileBytes: number;
  /** Workload 4: entries of the artifact changed incrementally. */
  incrementalEntries: number;
  /** Workload 5: entries of the committed manifests. */
  commitEntries: number;
  commitLargeEntries: number;
  /** Workload 6: seconds per route under load, and connections. */
  rateSeconds: number;
  rateConnections: number;
  /** Workload 7: concurrent logs to one artifact. */
  concurrentLogs: number;
}

export const FULL_SIZES: Sizes = {
  bigFileBytes: 1024 * 1024 * 1024,
  smallFiles: 10_000,
  smallFileBytes: 10 * 1024,
  incrementalEntries: 100_000,
  commitEntries: 100_000,
  commitLargeEntries: 1_000_000,
  rateSeconds: 10,
  rateConnections: 50,
  concurrentLogs: 50,
};

/** Smaller sizes, the same code paths (the big file still goes multipart: 8 parts of 16 MiB). */
export const QUICK_SIZES: Sizes = {
  bigFileBytes: 128 * 1024 * 1024,
  smallFiles: 1_000,
  smallFileBytes: 10 * 1024,
  incrementalEntries: 10_000,
  commitEntries: 10_000,
  commitLargeEntries: 100_000,
  rateSeconds: 3,
  rateConnections: 50,
  concurrentLogs: 50,
};

export interface BenchError {
  step: string;
  message: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  mode: "quick" | "full";
  sizes: Sizes;
  machine: MachineFacts;
  loadAverage: { start: number[]; end?: number[] };
  notes: string[];
  limits: Record<string, unknown>;
  workloads: Record<string, unknown>;
  errors: BenchError[];
}

export interface BenchContext {
  root: string;
  /** Temp dir holding the data, downloads, caches and server state of this run. */
  work: string;
  /** The big file and the tree of small files (and its relative paths). */
  bigFile: string;
  tree: string;
  treePaths: string[];
  sizes: Sizes;
  results: BenchResults;
  server?: BenchServer & { persistDir: string };
  log(message: string): void;
}

/**
 * Runs one measured step: its value is stored under `section.name`; a failure is recorded and the run
 * goes on (a missing route or tool must not cost the other figures).
 */
export async function step<T>(
  ctx: BenchContext,
  section: "limits" | "workloads",
  name: string,
  run: () => Promise<T>,
): Promise<T | undefined> {
  const started = Date.now();
  ctx.log(`${section}.${name} ...`);
  try {
    const value = await run();
    ctx.results[section][name] = value;
    ctx.log(`${section}.${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary(value)}`);
    return value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.results.errors.push({ step: `${section}.${name}`, message });
    ctx.log(`${section}.${name} FAILED: ${message.slice(0, 400)}`);
    return undefined;
  }
}

function summary(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
