/**
 * @module `npm run test:reliability -- --seeds N [vitest args]`: runs the long seeded suite with N seeds per
 * crash scenario (client crashes: N runs; server crashes: N during `complete` + N during commit).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const args = process.argv.slice(2);
let seeds = "2";
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? "";
  if (arg === "--seeds") seeds = args[++i] ?? seeds;
  else if (arg.startsWith("--seeds=")) seeds = arg.slice("--seeds=".length);
  else rest.push(arg);
}
if (!/^[1-9][0-9]*$/.test(seeds)) {
  process.stderr.write(`--seeds needs a positive whole number, not '${seeds}'\n`);
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..", "..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(
  process.execPath,
  [vitest, "run", "--config", "vitest.reliability.config.ts", ...rest],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CAIRN_RELIABILITY_SEEDS: seeds },
  },
);
process.exit(result.status ?? 1);
