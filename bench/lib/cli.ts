/**
 * @module Runs the real `cairn` CLI (`node bin/cairn.js ... --json`) as a child process against the bench
 * server, with its own config and cache homes, and returns its JSON answer, wall time and peak RSS.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type ChildRun, runChild } from "./child.ts";
import type { BenchContext } from "./context.ts";

export interface CliRun<T> {
  seconds: number;
  peakRssBytes: number | null;
  json: T;
}

/** Config and cache homes live in the bench's work dir: a fresh, empty cache per `cacheName`. */
export function cliEnv(ctx: BenchContext, cacheName: string): NodeJS.ProcessEnv {
  const server = ctx.server;
  if (!server) throw new Error("the bench server is not running");
  const cacheHome = path.join(ctx.work, "xdg", cacheName);
  const configHome = path.join(ctx.work, "xdg", "config");
  mkdirSync(cacheHome, { recursive: true });
  mkdirSync(configHome, { recursive: true });
  return {
    ...process.env,
    CAIRN_HOST: server.url,
    CAIRN_API_KEY: server.apiKey,
    CAIRN_TEAM: server.team,
    CAIRN_PROJECT: server.project,
    XDG_CACHE_HOME: cacheHome,
    XDG_CONFIG_HOME: configHome,
    NO_COLOR: "1",
  };
}

/** Cache homes whose module cache (bin/module-cache.js) is filled already. */
const warmed = new Set<string>();

export async function cairn<T>(ctx: BenchContext, cacheName: string, args: string[]): Promise<CliRun<T>> {
  if (!warmed.has(cacheName)) {
    // A user's cache home outlives one command; the bench uses several (to keep blob caches apart), so
    // fill each one's stripped-source cache first, or the first command in each would pay for it.
    await runChild(process.execPath, [path.join(ctx.root, "bin", "cairn.js"), "--help"], {
      env: cliEnv(ctx, cacheName),
      measureRss: false,
    });
    warmed.add(cacheName);
  }
  const run: ChildRun = await runChild(
    process.execPath,
    [path.join(ctx.root, "bin", "cairn.js"), ...args, "--json"],
    {
      cwd: ctx.work,
      env: cliEnv(ctx, cacheName),
      timeoutMs: 20 * 60 * 1000,
    },
  );
  if (run.code !== 0) {
    throw new Error(`cairn ${args.join(" ")} exited with ${run.code}: ${run.stderr.trim().slice(-1500)}`);
  }
  let json: T;
  try {
    json = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`cairn ${args.join(" ")} printed no JSON: ${run.stdout.slice(0, 500)}`);
  }
  return { seconds: run.seconds, peakRssBytes: run.peakRssBytes, json };
}
