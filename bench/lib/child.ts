/**
 * @module Runs a command as a child process and measures it: wall time, exit code, output, and peak RSS
 * ("Maximum resident set size" from GNU `/usr/bin/time -v`, when that is installed).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const GNU_TIME = "/usr/bin/time";

export interface ChildRun {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the command in bytes, or null when GNU time is missing. */
  peakRssBytes: number | null;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Measure peak RSS through GNU time (default true). */
  measureRss?: boolean;
  timeoutMs?: number;
}

export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

export function runChild(command: string, args: string[], options: ChildOptions = {}): Promise<ChildRun> {
  const wrap = (options.measureRss ?? true) && hasGnuTime();
  const file = wrap ? GNU_TIME : command;
  const argv = wrap ? ["-v", command, ...args] : args;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs).unref()
      : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      let peakRssBytes: number | null = null;
      if (wrap) {
        const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (match?.[1]) peakRssBytes = Number(match[1]) * 1024;
        // GNU time appends its report to stderr; keep the command's own stderr readable.
        stderr = stderr.replace(/\n?\tCommand being timed:[\s\S]*$/, "");
      }
      resolve({ seconds, code, stdout, stderr, peakRssBytes });
    });
  });
}

/** Like runChild, but throws with the command's stderr when it exits non-zero. */
export async function runChecked(
  command: string,
  args: string[],
  options: ChildOptions = {},
): Promise<ChildRun> {
  const run = await runChild(command, args, options);
  if (run.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${run.code}: ${run.stderr.trim().slice(-2000) || run.stdout.trim().slice(-2000)}`,
    );
  }
  return run;
}
