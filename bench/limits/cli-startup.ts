/**
 * @module Floors under every CLI figure, for reading the table: the start-up of the `cairn` CLI itself
 * (`node bin/cairn.js --help`: Node, type stripping, module loading) and a stat-walk of the tree done by a
 * fresh Node process (readdir + lstat per entry), next to `find`'s walk, which is the issue's limit.
 */
import path from "node:path";
import { runChecked } from "../lib/child.ts";
import { round } from "../lib/timing.ts";

const NODE_WALK = `
const fs = require("node:fs"), path = require("node:path");
let files = 0;
const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
  const p = path.join(dir, e.name); const s = fs.lstatSync(p);
  if (s.isDirectory()) walk(p); else if (s.isFile()) files++; } };
walk(process.argv[1]); console.log(files);
`;

async function median(times: number, run: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < times; i++) values.push(await run());
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] as number;
}

export async function cliStartup(
  root: string,
  cacheHome: string,
): Promise<{ seconds: number; coldSeconds: number; runs: number; command: string }> {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  const help = () =>
    runChecked(process.execPath, [path.join(root, "bin", "cairn.js"), "--help"], { env, measureRss: false });
  // The first run strips every TypeScript source and fills the module cache; later runs read it.
  const cold = await help();
  const seconds = await median(5, async () => (await help()).seconds);
  return {
    seconds: round(seconds),
    coldSeconds: round(cold.seconds),
    runs: 5,
    command: "node bin/cairn.js --help, module cache filled (median of 5)",
  };
}

export async function nodeStatWalk(
  dir: string,
): Promise<{ seconds: number; files: number; command: string }> {
  let files = 0;
  const seconds = await median(3, async () => {
    const run = await runChecked(process.execPath, ["-e", NODE_WALK, dir], { measureRss: false });
    files = Number(run.stdout.trim());
    return run.seconds;
  });
  return {
    seconds: round(seconds),
    files,
    command: "node -e (readdirSync + lstatSync per entry), process start to exit, median of 3",
  };
}
