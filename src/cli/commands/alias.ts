/** @module `cairn alias set|rm|history`: move, remove and trace aliases. */
import { type Command, requireArgs, stringOption } from "../command.ts";

export const aliasSet: Command = {
  name: "alias set",
  usage: "REF ALIAS [--if vN|none]",
  summary:
    "point ALIAS at the version REF names (with --if, only if ALIAS is at vN now, or absent for 'none')",
  options: { if: { type: "string" } },
  async run(ctx) {
    const [ref = "", alias = ""] = requireArgs(ctx, 2, "REF ALIAS");
    const ifOption = stringOption(ctx, "if");
    const ifVersion = ifOption === undefined ? undefined : ifOption === "none" ? null : ifOption;
    const version = await ctx.api().setAlias(ref, alias, ifVersion === undefined ? {} : { ifVersion });
    ctx.printJson({ ref: version.ref, alias, version: version.version });
    ctx.print(`${alias} → ${version.ref}`);
    return 0;
  },
};

export const aliasRm: Command = {
  name: "alias rm",
  usage: "NAME ALIAS",
  summary: "remove an alias from an artifact",
  options: {},
  async run(ctx) {
    const [name = "", alias = ""] = requireArgs(ctx, 2, "NAME ALIAS");
    await ctx.api().removeAlias(name, alias);
    ctx.printJson({ name, alias, removed: true });
    ctx.print(`removed alias ${alias} of ${name}`);
    return 0;
  },
};

export const aliasHistory: Command = {
  name: "alias history",
  usage: "NAME ALIAS",
  summary: "where an alias pointed over time",
  options: {},
  async run(ctx) {
    const [name = "", alias = ""] = requireArgs(ctx, 2, "NAME ALIAS");
    const history = await ctx.api().aliasHistory(name, alias);
    ctx.printJson(history);
    for (const entry of history) {
      const v = entry.version;
      ctx.print(`${entry.at}\t${v === null ? "(removed)" : typeof v === "number" ? `v${v}` : v}`);
    }
    return 0;
  },
};
