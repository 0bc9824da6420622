/** @module `cairn ls`: the artifacts of the project. */
import type { Command } from "../command.ts";
import { stringOption } from "../command.ts";
import { formatBytes, table } from "../format.ts";

export const ls: Command = {
  name: "ls",
  usage: "[--type T]",
  summary: "list the artifacts of the project",
  options: { type: { type: "string" } },
  async run(ctx) {
    const type = stringOption(ctx, "type");
    const artifacts = await ctx.api().artifacts(type ? { type } : {});
    ctx.printJson(artifacts);
    ctx.print(
      table(
        ["NAME", "TYPE", "VERSIONS", "LATEST", "SIZE", "FILES", "UPDATED"],
        artifacts.map((a) => [
          a.name,
          a.type,
          String(a.versionCount),
          a.latest ? `v${a.latest.version}` : "-",
          a.latest ? formatBytes(a.latest.size) : "-",
          a.latest ? String(a.latest.files) : "-",
          a.updatedAt ?? "",
        ]),
      ),
    );
    return 0;
  },
};
