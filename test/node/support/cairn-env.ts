/**
 * @module Helpers for SDK and CLI tests: a fresh team with its own config/cache directories per test, the CLI
 * as a real child process, and small file trees.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type NodeTestTeam, newTeam, server } from "./server.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
export const CLI = path.join(ROOT, "bin", "cairn.js");

export interface CairnEnv {
  dir: string;
  team: NodeTestTeam;
  /** Environment for the CLI and for the SDK's `env` option: own XDG dirs, host, writer key, team, project. */
  env: NodeJS.ProcessEnv;
}

/** A new team (writer key, project `p`) and empty config and cache directories under a temp dir. */
export async function cairnEnv(): Promise<CairnEnv> {
  const team = await newTeam("sdk");
  const dir = mkdtempSync(path.join(tmpdir(), "cairn-sdk-"));
  // The shared tsconfig merges the Worker's Env into ProcessEnv; these tests only need the fields below.
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_CACHE_HOME: path.join(dir, "cache"),
    CAIRN_HOST: server().url,
    CAIRN_API_KEY: team.writer,
    CAIRN_TEAM: team.team,
    CAIRN_PROJECT: "p",
  } as unknown as NodeJS.ProcessEnv;
  return { dir, team, env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node bin/cairn.js ...args` and returns the child (for tests that kill it). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    env,
    cwd: cwd ?? ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the CLI to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env, cwd);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI with --json, expects exit 0 and returns the parsed document. */
export async function cliJson<T = any>(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<T> {
  const result = await runCli([...args, "--json"], env, cwd);
  if (result.code !== 0) {
    throw new Error(`cairn ${args.join(" ")} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** Writes files (relative path → content; a number means that many random bytes) under `dir`. */
export function writeTree(dir: string, files: Record<string, string | number | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "number" ? randomBytes(content) : content);
  }
}
