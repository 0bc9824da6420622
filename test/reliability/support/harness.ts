/**
 * @module Shared pieces of the reliability suite: a seeded random source, `wrangler dev` servers that can
 * be crashed (SIGKILL of the process group) and restarted on the same state, teams, the CLI as a child
 * process, file trees, the checker, and a count of R2 objects read from the local bucket's own database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type LocalServer, startLocalServer } from "../../../scripts/local-server.ts";
import type { FsckReport, FsckViolation } from "../../../src/shared/fsck.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
export const CLI = path.join(ROOT, "bin", "cairn.js");
export const MIB = 1024 * 1024;
/** The SDK's multipart part size (and its threshold is half of it): see src/shared/api.ts. */
export const PART_SIZE = 16 * MIB;

/** How many seeded runs each crash scenario makes (`--seeds N`, through the wrapper's env var). */
export function seedCount(): number {
  const n = Number(process.env.CAIRN_RELIABILITY_SEEDS ?? "2");
  return Number.isInteger(n) && n > 0 ? n : 2;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): { next(): number; int(min: number, max: number): number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** Bytes that depend only on the seed (so a rerun of a seed logs the same content). */
export function seededBytes(seed: number, size: number): Buffer {
  const random = rng(seed);
  const bytes = Buffer.alloc(Math.ceil(size / 4) * 4);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(Math.floor(random.next() * 2 ** 32), i);
  return bytes.subarray(0, size);
}

export function startServer(persistDir: string): Promise<LocalServer> {
  mkdirSync(persistDir, { recursive: true });
  return startLocalServer({ persistDir });
}

/** A crash: SIGKILL to wrangler and workerd at once (the group), no chance to finish anything. */
export async function crashServer(server: LocalServer): Promise<void> {
  try {
    process.kill(-server.pid, "SIGKILL");
  } catch {
    // already gone
  }
  // Wait until the group is gone, so a restart does not race the dying process for the state files.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-server.pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Team {
  team: string;
  admin: string;
  writer: string;
  reader: string;
}

let teamCounter = 0;

/** A fresh team with admin/writer/reader keys and project `p`, through the deployment admin token. */
export async function newTeam(url: string, adminToken: string, prefix = "rel"): Promise<Team> {
  const team = `${prefix}-${Date.now().toString(36)}-${process.pid}-${teamCounter++}`;
  await request(url, adminToken, "POST", "/teams", { name: team });
  const keys: Record<string, string> = {};
  for (const role of ["admin", "writer", "reader"]) {
    const res = await request<{ key: { key: string } }>(url, adminToken, "POST", `/teams/${team}/keys`, {
      name: role,
      role,
    });
    keys[role] = res.key.key;
  }
  await request(url, keys.admin ?? "", "POST", `/teams/${team}/projects`, { name: "p" });
  return { team, admin: keys.admin ?? "", writer: keys.writer ?? "", reader: keys.reader ?? "" };
}

/** One JSON request; throws on any non-2xx answer with the body in the message. */
export async function request<T = unknown>(
  url: string,
  key: string,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${url}/api/v1${apiPath}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${apiPath} → ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Every violation the checker finds in a team, all pages. */
export async function fsck(url: string, key: string, team: string, repair = false): Promise<FsckViolation[]> {
  const violations: FsckViolation[] = [];
  let cursor: string | null = null;
  do {
    const report: FsckReport = await request(url, key, "POST", `/teams/${team}/admin/fsck`, {
      repair,
      ...(cursor ? { cursor } : {}),
    });
    violations.push(...report.violations);
    cursor = report.nextCursor;
  } while (cursor);
  return violations;
}

/** The CLI's environment: own HOME/XDG dirs (config, checksum cache, resume state), host, key, team. */
export function cliEnv(dir: string, host: string, key: string, team: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_CACHE_HOME: path.join(dir, "cache"),
    CAIRN_HOST: host,
    CAIRN_API_KEY: key,
    CAIRN_TEAM: team,
    CAIRN_PROJECT: "p",
  };
  // The Worker's generated types widen ProcessEnv with its bindings; a child's environment has none.
  return env as NodeJS.ProcessEnv;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env,
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
  return { child, done };
}

/** Runs the CLI with --json to its end; throws unless it exits 0. */
export async function cliJson<T = Record<string, unknown>>(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<T> {
  const result = await spawnCli([...args, "--json"], env).done;
  if (result.code !== 0) {
    throw new Error(`cairn ${args.join(" ")} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** Writes `files` (relative path → bytes) under `dir`. */
export function writeTree(dir: string, files: Record<string, Buffer>): void {
  for (const [rel, bytes] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
}

/**
 * Objects in the local bucket whose key contains `fragment` (e.g. `/<sha256>/`), read from miniflare's
 * own object table (read-only): the suite's way to count stored objects without asking the Worker.
 */
export function countR2Objects(persistDir: string, fragment: string): number {
  const dir = path.join(persistDir, "v3", "r2", "miniflare-R2BucketObject");
  if (!existsSync(dir)) return 0;
  let count = 0;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".sqlite") || file === "metadata.sqlite") continue;
    const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
    try {
      const row = db.prepare("SELECT count(*) AS n FROM _mf_objects WHERE instr(key, ?) > 0").get(fragment) as
        | { n: number }
        | undefined;
      count += row?.n ?? 0;
    } finally {
      db.close();
    }
  }
  return count;
}

export type { LocalServer };

/** Appends one run's figures to `test-output/reliability/<scenario>.jsonl` (read by docs/RELIABILITY.md). */
export function recordRun(scenario: string, figures: Record<string, unknown>): void {
  const dir = path.join(ROOT, "test-output", "reliability");
  mkdirSync(dir, { recursive: true });
  appendFileSync(
    path.join(dir, `${scenario}.jsonl`),
    `${JSON.stringify({ at: new Date().toISOString(), ...figures })}\n`,
  );
}

/** A random tree of small files and multipart files (≥ 8 MiB), the same for the same seed. */
export function seededTree(
  seed: number,
  shape: { small: [number, number]; large: [number, number]; largeMiB: [number, number] },
): Record<string, Buffer> {
  const random = rng(seed);
  const files: Record<string, Buffer> = {};
  const small = random.int(...shape.small);
  for (let i = 0; i < small; i++) {
    files[`small/f${i}.bin`] = seededBytes(seed * 1000 + i, random.int(1, 300 * 1024));
  }
  const large = random.int(...shape.large);
  for (let i = 0; i < large; i++) {
    files[`large/l${i}.bin`] = seededBytes(
      seed * 1000 + 500 + i,
      random.int(...shape.largeMiB) * MIB + random.int(0, 4096),
    );
  }
  return files;
}
