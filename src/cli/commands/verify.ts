/** @module `cairn verify`: check a directory against a version; exit 1 when anything differs. */
import { type Command, requireArgs, stringOption, UsageError } from "../command.ts";

export const verify: Command = {
  name: "verify",
  usage: "REF --root DIR [--path-prefix P]",
  summary: "hash every file under DIR and compare with the version (exit 1 on a difference)",
  options: { root: { type: "string" }, "path-prefix": { type: "string" } },
  async run(ctx) {
    const [ref = ""] = requireArgs(ctx, 1, "REF");
    const root = stringOption(ctx, "root");
    if (!root) throw new UsageError("--root DIR is required");
    const version = await ctx.api().artifact(ref);
    const prefix = stringOption(ctx, "path-prefix");
    const progress = ctx.progress();
    let report: Awaited<ReturnType<typeof version.verify>>;
    try {
      report = await version.verify(root, {
        ...(prefix ? { pathPrefix: prefix } : {}),
        ...(progress.listener ? { onProgress: progress.listener } : {}),
      });
    } finally {
      progress.done();
    }
    ctx.printJson({ ref: version.ref, root, ...report });
    for (const m of report.mismatched)
      ctx.print(`mismatch  ${m.path}  (expected ${m.expected}, found ${m.actual})`);
    for (const p of report.missing) ctx.print(`missing   ${p}`);
    for (const p of report.extra) ctx.print(`extra     ${p}`);
    if (report.ok) {
      ctx.print(`ok: ${report.checked} files match ${version.ref}`);
      return 0;
    }
    process.stderr.write(
      `error: ${root} does not match ${version.ref} (${report.mismatched.length} mismatched, ` +
        `${report.missing.length} missing). Run \`cairn get ${version.ref} --root ${root}\` to restore it\n`,
    );
    return 1;
  },
};
