/**
 * @module The `cairn` command line: finds the command, parses its options (node:util parseArgs), runs it, and
 * turns failures into one line on stderr: exit 1 for errors, 2 for usage mistakes, a stack only with --debug.
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { Api, CairnError } from "../sdk/index.ts";
import { type Command, type CommandContext, type OptionValues, UsageError } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { ProgressBar } from "./progress-bar.ts";

const GLOBAL_OPTIONS: ParseArgsOptionsConfig = {
  json: { type: "boolean" },
  debug: { type: "boolean" },
  project: { type: "string" },
  team: { type: "string" },
  profile: { type: "string" },
  help: { type: "boolean", short: "h" },
};
const GLOBAL_WITH_VALUE = new Set(["--project", "--team", "--profile"]);

function helpText(): string {
  const lines = ["usage: cairn <command> [options]", "", "commands:"];
  for (const c of COMMANDS) lines.push(`  ${`${c.name} ${c.usage}`.trim()}`, `      ${c.summary}`);
  lines.push(
    "",
    "global options: --json (one JSON document on stdout), --debug (stack traces), --project P, --team T, --profile NAME",
    "references: [team/][project/]name[:alias|:vN], defaulting to the profile's team and project and to :latest",
    "environment: CAIRN_HOST, CAIRN_API_KEY, CAIRN_TEAM, CAIRN_PROJECT override the profile",
  );
  return lines.join("\n");
}

function commandHelp(c: Command): string {
  return `usage: cairn ${c.name} ${c.usage}\n\n${c.summary}`;
}

/** Splits argv into the command (one or two words) and the rest. */
function findCommand(argv: string[]): { command: Command | undefined; rest: string[]; words: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (token.startsWith("-") || words.length >= 2) {
      rest.push(token);
      if (GLOBAL_WITH_VALUE.has(token) && i + 1 < argv.length && words.length === 0)
        rest.push(argv[++i] ?? "");
      continue;
    }
    const candidate = [...words, token].join(" ");
    if (words.length === 0 || COMMANDS.some((c) => c.name === candidate)) words.push(token);
    else rest.push(token);
    if (
      COMMANDS.some((c) => c.name === words.join(" ")) &&
      !COMMANDS.some((c) => c.name.startsWith(`${words.join(" ")} `))
    ) {
      rest.push(...argv.slice(i + 1));
      break;
    }
  }
  return { command: COMMANDS.find((c) => c.name === words.join(" ")), rest, words };
}

function createContext(command: Command, argv: string[], env: NodeJS.ProcessEnv): CommandContext {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...GLOBAL_OPTIONS, ...command.options },
    allowPositionals: true,
    strict: true,
  });
  const options = values as OptionValues;
  const json = options.json === true;
  const str = (name: string) => (typeof options[name] === "string" ? (options[name] as string) : undefined);
  let api: Api | undefined;
  return {
    args: positionals,
    options,
    json,
    debug: options.debug === true,
    env,
    api() {
      const project = str("project");
      const team = str("team");
      const profile = str("profile");
      api ??= new Api({
        env,
        ...(project ? { project } : {}),
        ...(team ? { team } : {}),
        ...(profile ? { profile } : {}),
      });
      return api;
    },
    print(text) {
      if (!json) process.stdout.write(`${text}\n`);
    },
    printJson(value) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    progress() {
      if (json || !process.stderr.isTTY) return { listener: undefined, done() {} };
      const bar = new ProgressBar(process.stderr);
      return { listener: bar.update, done: () => bar.done() };
    },
  };
}

/** Runs the CLI with these arguments and returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const debug = argv.includes("--debug");
  const { command, rest, words } = findCommand(argv);
  if (!command) {
    if (words.length === 0 || words[0] === "help" || argv.includes("--help") || argv.includes("-h")) {
      process.stdout.write(`${helpText()}\n`);
      return words.length === 0 && !argv.includes("--help") && !argv.includes("-h") ? 2 : 0;
    }
    process.stderr.write(`error: unknown command '${words.join(" ")}'. Run \`cairn --help\` for the list\n`);
    return 2;
  }
  try {
    const ctx = createContext(command, rest, env);
    if (ctx.options.help) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    return (await command.run(ctx)) ?? 0;
  } catch (error) {
    return report(error, command, debug);
  }
}

function report(error: unknown, command: Command, debug: boolean): number {
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  const usage =
    error instanceof UsageError ||
    (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"));
  if (usage) {
    const message =
      error instanceof Error ? error.message.replace(/\s+/g, " ").replace(/\.$/, "") : String(error);
    process.stderr.write(`error: ${message}. Run \`cairn ${command.name} --help\` for its usage\n`);
    return 2;
  }
  if (error instanceof CairnError) {
    process.stderr.write(`error: ${error.oneLine}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `error: ${message.replace(/\s+/g, " ")}${debug ? "" : ". Run again with --debug for details"}\n`,
  );
  return 1;
}
