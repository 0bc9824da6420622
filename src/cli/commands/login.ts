/** @module `cairn login`: check a key against a server and store it as a profile. */
import { createInterface } from "node:readline/promises";
import { Client, resolveSettings, saveProfile } from "../../sdk/index.ts";
import { type Command, stringOption, UsageError } from "../command.ts";

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export const login: Command = {
  name: "login",
  usage: "[--host URL] [--key KEY] [--team T] [--project P] [--profile NAME]",
  summary: "check an API key and store it as a profile in $XDG_CONFIG_HOME/cairn/config.json",
  options: {
    host: { type: "string" },
    key: { type: "string" },
  },
  async run(ctx) {
    const current = await resolveSettings({ env: ctx.env, profile: stringOption(ctx, "profile") });
    const host = stringOption(ctx, "host") ?? current.host;
    let key = stringOption(ctx, "key") ?? ctx.env.CAIRN_API_KEY ?? "";
    if (!key && process.stdin.isTTY) key = await ask(`API key for ${host}: `);
    if (!key) throw new UsageError("no API key: pass --key KEY (or set CAIRN_API_KEY)");
    const client = await Client.connect({ host, key, team: stringOption(ctx, "team") ?? "", env: ctx.env });
    const who = await client.whoami();
    const team = stringOption(ctx, "team") ?? who.team;
    const project = stringOption(ctx, "project") ?? current.project;
    const name = stringOption(ctx, "profile") ?? current.profile;
    const file = await saveProfile(name, { host, key, team, project }, { env: ctx.env });
    ctx.printJson({ profile: name, host, team, project, role: who.role, config: file });
    ctx.print(`Logged in to ${host} as team '${team}' (${who.role}); profile '${name}' saved in ${file}`);
    return 0;
  },
};
