/**
 * @module `npm run bench [-- --quick] [-- --keep]`: generates seeded data, measures this machine's limits
 * and a peer, runs the Cairn workloads against a local server it starts itself (`--log-level warn`, fresh
 * state), then writes `bench/results/<timestamp>.json` and regenerates the table in docs/PERFORMANCE.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalServer } from "../scripts/local-server.ts";
import { type BenchContext, type BenchResults, FULL_SIZES, QUICK_SIZES } from "./lib/context.ts";
import { writeSeededFile, writeSeededTree } from "./lib/data.ts";
import { loadAverage, machineFacts } from "./lib/machine.ts";
import { timed } from "./lib/timing.ts";
import { localLimits } from "./phases/local-limits.ts";
import { peer } from "./phases/peer.ts";
import { serverPhases } from "./phases/server.ts";
import { writePerformanceDoc } from "./report/performance-doc.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const quick = args.has("--quick");
  const keep = args.has("--keep");
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const started = Date.now();
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    mode: quick ? "quick" : "full",
    sizes,
    machine: machineFacts(ROOT),
    loadAverage: { start: loadAverage() },
    notes: [],
    limits: {},
    workloads: {},
    errors: [],
  };
  const work = mkdtempSync(path.join(tmpdir(), "cairn-bench-"));
  const ctx: BenchContext = {
    root: ROOT,
    work,
    bigFile: path.join(work, "data", "big.bin"),
    tree: path.join(work, "data", "tree"),
    treePaths: [],
    sizes,
    results,
    log: (message) => console.error(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`),
  };
  ctx.log(`mode ${results.mode}, work dir ${work}, load ${results.loadAverage.start.join(" ")}`);
  try {
    const generated = await timed(() => {
      writeSeededFile(ctx.bigFile, sizes.bigFileBytes, "big");
      ctx.treePaths = writeSeededTree(ctx.tree, sizes.smallFiles, sizes.smallFileBytes, "tree");
    });
    results.notes.push(`data generated in ${generated.seconds.toFixed(1)} s (AES-256-CTR keystream, seeded)`);
    await localLimits(ctx);
    const server = await startLocalServer({ persistDir: path.join(work, "server"), logLevel: "warn" });
    ctx.server = { ...server, team: "local", project: "default" };
    ctx.log(`server at ${server.url} (state in ${server.persistDir})`);
    try {
      await serverPhases(ctx);
    } finally {
      await server.stop();
    }
    await peer(ctx);
  } finally {
    results.loadAverage.end = loadAverage();
    results.finishedAt = new Date().toISOString();
    results.durationSeconds = Math.round((Date.now() - started) / 1000);
    const stamp = results.startedAt.replace(/[:.]/g, "-");
    const resultsDir = path.join(ROOT, "bench", "results");
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${stamp}${quick ? "-quick" : ""}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    writePerformanceDoc(path.join(ROOT, "docs", "PERFORMANCE.md"), results, path.relative(ROOT, file));
    ctx.log(`results in ${file}; table in docs/PERFORMANCE.md; ${results.errors.length} step(s) failed`);
    if (keep) ctx.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
