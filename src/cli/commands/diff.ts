/** @module `cairn diff REF1 REF2`: files added, removed and changed between two versions of an artifact. */

import { type DiffPage, diffPages } from "../../sdk/diff.ts";
import type { FileEntry } from "../../sdk/types.ts";
import { comparePaths } from "../../shared/manifest.ts";
import { type Command, requireArgs } from "../command.ts";
import { formatBytes } from "../format.ts";

export const diff: Command = {
  name: "diff",
  usage: "REF1 REF2",
  summary: "files added (+), removed (-) and changed (~) from one version of an artifact to another",
  options: {},
  async run(ctx) {
    const [from = "", to = ""] = requireArgs(ctx, 2, "REF1 REF2");
    const all: DiffPage = { added: [], removed: [], changed: [] };
    let count = 0;
    for await (const page of diffPages(ctx.api(), from, to)) {
      if (ctx.json) {
        all.added.push(...page.added);
        all.removed.push(...page.removed);
        all.changed.push(...page.changed);
        continue;
      }
      // Human output streams page by page, in path order within each kind of change.
      for (const line of diffLines(page)) ctx.print(line);
      count += page.added.length + page.removed.length + page.changed.length;
    }
    ctx.printJson({ from, to, ...all });
    if (!ctx.json && count === 0) ctx.print("no differences");
    return 0;
  },
};

/** One page as `+ path (size)`, `- path`, `~ path (old → new size)`, in path order. */
export function diffLines(page: DiffPage): string[] {
  const lines: [string, string][] = [
    ...page.added.map((e): [string, string] => [
      e.path,
      `+ ${e.path}${sizeOf(e) === null ? "" : ` (${sizeOf(e)})`}`,
    ]),
    ...page.removed.map((e): [string, string] => [e.path, `- ${e.path}`]),
    ...page.changed.map((c): [string, string] => [
      c.path,
      `~ ${c.path} (${sizeOf(c.from) ?? "?"} → ${sizeOf(c.to) ?? "?"})`,
    ]),
  ];
  return lines.sort((a, b) => comparePaths(a[0], b[0])).map(([, line]) => line);
}

function sizeOf(entry: FileEntry): string | null {
  return entry.size === undefined ? null : formatBytes(entry.size);
}
