/**
 * @module Starts a real local Cairn (`wrangler dev` with embedded D1, R2 and Durable Objects) for tests,
 * benchmarks and scripts: migrations applied, the local team/project/key seeded, stopped as a process group.
 * Run directly (`node scripts/local-server.ts [--port N] [--persist-to DIR] [--watch]`) it prints the URL
 * and key and keeps serving until Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface LocalServerOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Where D1/R2/DO state and the wrangler log go; a fresh temp dir when omitted. */
  persistDir?: string;
  /** wrangler's --log-level (default "warn"). */
  logLevel?: string;
  /**
   * Rebuild and restart on source changes (plain `wrangler dev`). Off by default: the server runs a
   * bundle built once at start, so edits in the work tree never restart it mid-request during tests.
   */
  watch?: boolean;
}

export interface LocalServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** CAIRN_ADMIN_TOKEN from .dev.vars: the deployment admin (creates teams). */
  adminToken: string;
  /** CAIRN_LOCAL_API_KEY from .dev.vars: admin key of team `local` (project `default`). */
  apiKey: string;
  /** The persist dir in use (holds `wrangler.log`). */
  persistDir: string;
  /** Process id of wrangler, leader of the process group (workerd included), for crash tests. */
  pid: number;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const START_TIMEOUT_MS = 120_000;

/**
 * Starts `wrangler dev` on 127.0.0.1 and resolves once the API answers and the local seed exists.
 *
 * @example
 * const server = await startLocalServer({});
 * await fetch(`${server.url}/api/v1/teams/local/projects`, { headers: { authorization: `Bearer ${server.apiKey}` } });
 * await server.stop();
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const vars = ensureDevVars();
  const adminToken = vars.CAIRN_ADMIN_TOKEN ?? "";
  const apiKey = vars.CAIRN_LOCAL_API_KEY ?? "";
  if (!adminToken || !apiKey) {
    throw new Error(".dev.vars must set CAIRN_ADMIN_TOKEN and CAIRN_LOCAL_API_KEY (see .dev.vars.example)");
  }
  const persistDir = path.resolve(options.persistDir ?? mkdtempSync(path.join(tmpdir(), "cairn-local-")));
  mkdirSync(persistDir, { recursive: true });
  const logPath = path.join(persistDir, "wrangler.log");

  // By default the server runs a snapshot of the sources: edits in the work tree (other people's, in a
  // shared tree) neither restart it mid-request nor break its build while tests run.
  const cwd = options.watch ? ROOT : snapshotSources(path.join(persistDir, "app"));

  await runToEnd(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], logPath, cwd);

  const port = options.port ?? (await freePort());
  // Several servers may run at once (parallel test runs): give each its own inspector port too.
  const inspectorPort = await freePort();
  const logStart = statSync(logPath).size;
  const log = openSync(logPath, "a");
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistDir,
      "--log-level",
      options.logLevel ?? "warn",
      "--show-interactive-dev-session=false",
    ],
    { cwd, env: quietEnv(), stdio: ["ignore", log, log], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  try {
    await waitForHealth(url, child, logPath, logStart);
    // The Worker seeds team `local`, project `default` and the local key on the first authenticated request.
    const seeded = await fetch(`${url}/api/v1/teams/local/projects`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (!seeded.ok) throw new Error(`seeding the local team failed: ${seeded.status} ${await seeded.text()}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, adminToken, apiKey, persistDir, pid: child.pid ?? 0, stop };
}

/** Copies `.dev.vars.example` to `.dev.vars` when missing (never overwrites) and returns its values. */
export function ensureDevVars(root = ROOT): Record<string, string> {
  const file = path.join(root, ".dev.vars");
  if (!existsSync(file)) copyFileSync(path.join(root, ".dev.vars.example"), file);
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    vars[match[1]] = (match[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

function quietEnv(): NodeJS.ProcessEnv {
  // CI=1 makes wrangler skip prompts (migrations apply asks for confirmation on a terminal).
  return { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };
}

/** Copies what wrangler needs to build and run the Worker into `dir` (node_modules linked, not copied). */
function snapshotSources(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ["src", "migrations", "wrangler.toml", "package.json", "tsconfig.json", ".dev.vars"]) {
    const from = path.join(ROOT, entry);
    if (existsSync(from)) cpSync(from, path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

function runToEnd(args: string[], logPath: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = openSync(logPath, "a");
    const child = spawn(process.execPath, [WRANGLER, ...args], {
      cwd,
      env: quietEnv(),
      stdio: ["ignore", log, log],
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else
        reject(new Error(`wrangler ${args.join(" ")} exited with ${code}; see ${logPath}\n${tail(logPath)}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  logPath: string,
  logStart: number,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited early (${child.exitCode ?? child.signalCode})\n${tail(logPath)}`);
    }
    // wrangler dev keeps running (watching for a fix) after a failed build: fail now, not after the timeout.
    if (readLogSince(logPath, logStart).includes("Build failed")) {
      throw new Error(`wrangler dev could not build the Worker; see ${logPath}\n${tail(logPath)}`);
    }
    try {
      const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `wrangler dev did not answer ${url}/api/v1/health in ${START_TIMEOUT_MS} ms\n${tail(logPath)}`,
  );
}

/** Terminates wrangler and workerd (its child) together: the process group started with `detached`. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(pid, "SIGTERM");
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5000));
  if ((await Promise.race([exited, timer])) === "timeout") {
    signalGroup(pid, "SIGKILL");
    await exited;
  }
  // workerd may outlive wrangler by a moment; make sure nothing of the group is left.
  signalGroup(pid, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function readLogSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString("utf8");
  } catch {
    return "";
  }
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (import.meta.main) {
  const port = argValue("--port");
  const server = await startLocalServer({
    port: port ? Number(port) : undefined,
    persistDir: argValue("--persist-to") ?? path.join(ROOT, ".wrangler", "state"),
    logLevel: argValue("--log-level"),
    watch: process.argv.includes("--watch"),
  });
  console.log(`Cairn is running at ${server.url}`);
  console.log(`  team local, project default, API key ${server.apiKey}`);
  console.log(`  logs and state in ${server.persistDir}`);
  const shutdown = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
