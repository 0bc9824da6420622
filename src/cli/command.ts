/** @module What a CLI command is, and the context it runs with. Adding a command: one file in commands/ plus one line in commands/index.ts. */
import type { ParseArgsOptionsConfig } from "node:util";
import type { Api, ProgressListener } from "../sdk/index.ts";

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  /** Positional arguments after the command words. */
  args: string[];
  /** Parsed options (global and the command's own). */
  options: OptionValues;
  json: boolean;
  debug: boolean;
  env: NodeJS.ProcessEnv;
  /** An `Api` with the global `--project`/`--team`/`--profile` applied; connects on first use. */
  api(): Api;
  /** Human output (stdout), suppressed with --json. */
  print(text: string): void;
  /** The one JSON document printed with --json. */
  printJson(value: unknown): void;
  /** A progress-bar listener on a terminal (stderr), or undefined; call `done()` when the transfer ends. */
  progress(): { listener: ProgressListener | undefined; done(): void };
}

export interface Command {
  /** One or two words: "put", "alias set". */
  name: string;
  /** Arguments and options as shown in help, after the name. */
  usage: string;
  summary: string;
  options: ParseArgsOptionsConfig;
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | undefined>;
}

/** A mistake in how the command was called: exit code 2 and a pointer to the help. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === "string" ? value : undefined;
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const value = ctx.options[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

export function requireArgs(ctx: CommandContext, count: number, names: string): string[] {
  if (ctx.args.length !== count) {
    throw new UsageError(`expected ${names}, got ${ctx.args.length === 0 ? "nothing" : ctx.args.join(" ")}`);
  }
  return ctx.args;
}
