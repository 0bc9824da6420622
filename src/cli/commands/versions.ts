/** @module `cairn versions`: the versions of an artifact with aliases, size, file count and digest. */
import { type Command, requireArgs } from "../command.ts";
import { formatBytes, table } from "../format.ts";

export const versions: Command = {
  name: "versions",
  usage: "NAME",
  summary: "list the versions of an artifact",
  options: {},
  async run(ctx) {
    const [name = ""] = requireArgs(ctx, 1, "NAME");
    const list = await ctx.api().versions(name);
    ctx.printJson(
      list.map((v) => ({
        version: v.version,
        ref: v.ref,
        aliases: v.aliases,
        digest: v.digest,
        size: v.size,
        files: v.fileCount,
        createdAt: v.createdAt,
      })),
    );
    ctx.print(
      table(
        ["VERSION", "ALIASES", "SIZE", "FILES", "DIGEST", "CREATED"],
        list.map((v) => [
          `v${v.version}`,
          v.aliases.join(",") || "-",
          formatBytes(v.size),
          String(v.fileCount),
          v.digest.slice(0, 12),
          v.createdAt,
        ]),
      ),
    );
    return 0;
  },
};
