/** @module `cairn cache cleanup`: trim the local blob cache, least recently used first. */
import { cacheDir, cleanupCache } from "../../sdk/index.ts";
import { type Command, stringOption, UsageError } from "../command.ts";
import { formatBytes, parseSize } from "../format.ts";

export const cacheCleanup: Command = {
  name: "cache cleanup",
  usage: "--max-size SIZE",
  summary: "evict least recently used blobs until the cache is at most SIZE (e.g. 10GB, 500MiB)",
  options: { "max-size": { type: "string" } },
  async run(ctx) {
    const text = stringOption(ctx, "max-size");
    if (!text) throw new UsageError("--max-size SIZE is required (e.g. 10GB)");
    const maxBytes = parseSize(text);
    if (maxBytes === undefined)
      throw new UsageError(`'${text}' is not a size; use e.g. 10GB, 500MiB or 1048576`);
    const result = await cleanupCache(cacheDir(ctx.env), maxBytes);
    ctx.printJson(result);
    ctx.print(
      `removed ${result.removedFiles} blobs (${formatBytes(result.removedBytes)}); ` +
        `kept ${result.keptFiles} (${formatBytes(result.keptBytes)})`,
    );
    return 0;
  },
};
