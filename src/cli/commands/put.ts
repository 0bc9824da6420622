/** @module `cairn put`: log files and directories as a new version of an artifact. */
import { statSync } from "node:fs";
import { Artifact, CairnError } from "../../sdk/index.ts";
import { type Command, listOption, stringOption, UsageError } from "../command.ts";
import { formatBytes } from "../format.ts";

function parseMetadata(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--metadata is not valid JSON: ${text}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError("--metadata must be a JSON object, like '{\"rows\": 1200}'");
  }
  return value as Record<string, unknown>;
}

export const put: Command = {
  name: "put",
  usage:
    "PATH... --name N --type T [--alias A]... [--tag T]... [--metadata JSON] [--description D] [--run ID] [--base REF]",
  summary: "log files and directories as a new version (directories land at the root of the artifact)",
  options: {
    name: { type: "string" },
    type: { type: "string" },
    alias: { type: "string", multiple: true },
    tag: { type: "string", multiple: true },
    metadata: { type: "string" },
    description: { type: "string" },
    run: { type: "string" },
    base: { type: "string" },
  },
  async run(ctx) {
    const name = stringOption(ctx, "name");
    const type = stringOption(ctx, "type");
    if (ctx.args.length === 0) throw new UsageError("give at least one PATH to log");
    if (!name || !type) throw new UsageError("--name and --type are required");
    const artifact = new Artifact({
      name,
      type,
      description: stringOption(ctx, "description") ?? "",
      metadata: parseMetadata(stringOption(ctx, "metadata")),
    });
    for (const p of ctx.args) {
      let isDir: boolean;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        throw new CairnError("local_file", `'${p}' does not exist`, { hint: "Check the path" });
      }
      if (isDir) artifact.addDir(p);
      else artifact.addFile(p);
    }
    const base = stringOption(ctx, "base");
    const api = ctx.api();
    const progress = ctx.progress();
    let result: Awaited<ReturnType<typeof api.logArtifact>>;
    try {
      result = await api.logArtifact(artifact, {
        aliases: listOption(ctx, "alias"),
        tags: listOption(ctx, "tag"),
        ...(stringOption(ctx, "run") ? { runId: stringOption(ctx, "run") } : {}),
        // --base accepts a full reference; only its selector matters (the artifact is --name).
        ...(base ? { base: base.includes(":") ? (base.split(":").pop() ?? base) : base } : {}),
        ...(progress.listener ? { onProgress: progress.listener } : {}),
      });
    } finally {
      progress.done();
    }
    const v = result.version;
    ctx.printJson({
      ref: v.ref,
      version: v.version,
      digest: v.digest,
      created: result.created,
      files: result.files,
      size: v.size,
      uploadedBytes: result.uploadedBytes,
      uploadedFiles: result.uploadedFiles,
      hashedFiles: result.hashedFiles,
      aliases: v.aliases,
    });
    ctx.print(
      result.created
        ? `Logged ${v.ref} (${result.files} files, ${formatBytes(v.size)}; uploaded ${formatBytes(result.uploadedBytes)})`
        : `No change: ${v.ref} already has this content (uploaded ${formatBytes(result.uploadedBytes)})`,
    );
    return 0;
  },
};
