/** @module `cairn get`: download and verify a version, print the directory. */
import { type Command, requireArgs, stringOption } from "../command.ts";
import { formatBytes } from "../format.ts";

export const get: Command = {
  name: "get",
  usage: "REF [--root DIR] [--path-prefix P] [--no-cache]",
  summary: "download a version (default into ./artifacts/<name>:v<N>), verify it, print the directory",
  options: {
    root: { type: "string" },
    "path-prefix": { type: "string" },
    "no-cache": { type: "boolean" },
  },
  async run(ctx) {
    const [ref = ""] = requireArgs(ctx, 1, "REF");
    const version = await ctx.api().artifact(ref);
    const progress = ctx.progress();
    const root = stringOption(ctx, "root");
    const prefix = stringOption(ctx, "path-prefix");
    let result: Awaited<ReturnType<typeof version.downloadWithReport>>;
    try {
      result = await version.downloadWithReport({
        ...(root ? { root } : {}),
        ...(prefix ? { pathPrefix: prefix } : {}),
        ...(ctx.options["no-cache"] ? { cache: false } : {}),
        ...(progress.listener ? { onProgress: progress.listener } : {}),
      });
    } finally {
      progress.done();
    }
    ctx.printJson({
      ref: version.ref,
      version: version.version,
      path: result.path,
      files: result.files,
      downloadedBytes: result.downloadedBytes,
      downloadedFiles: result.downloadedFiles,
      fromCache: result.fromCache,
      alreadyPresent: result.alreadyPresent,
      skipped: result.skipped,
    });
    for (const skipped of result.skipped)
      process.stderr.write(`warning: skipped ${skipped.path}: ${skipped.reason}\n`);
    if (!ctx.json && process.stderr.isTTY) {
      process.stderr.write(
        `${version.ref}: ${result.files} files, ${formatBytes(result.downloadedBytes)} downloaded, ` +
          `${result.fromCache} from cache, ${result.alreadyPresent} already present\n`,
      );
    }
    ctx.print(result.path);
    return 0;
  },
};
