/** @module `cairn files`: the manifest of a version. */
import { isReference } from "../../shared/manifest.ts";
import { type Command, requireArgs, stringOption } from "../command.ts";

export const files: Command = {
  name: "files",
  usage: "REF [--prefix P]",
  summary: "list the files of a version (path, size, sha256 or reference)",
  options: { prefix: { type: "string" } },
  async run(ctx) {
    const [ref = ""] = requireArgs(ctx, 1, "REF");
    const version = await ctx.api().artifact(ref);
    const prefix = stringOption(ctx, "prefix");
    const all = [];
    for await (const entry of version.files(prefix ? { prefix } : {})) {
      if (ctx.json) all.push(entry);
      else if (isReference(entry)) ctx.print(`${entry.path}\t${entry.size ?? "-"}\t${entry.ref}`);
      else ctx.print(`${entry.path}\t${entry.size}\t${entry.sha256}`);
    }
    ctx.printJson(all);
    return 0;
  },
};
