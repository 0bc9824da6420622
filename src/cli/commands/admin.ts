/** @module `cairn admin fsck`: run the consistency checker on the server, page by page, and report. */
import type { FsckAllReport, FsckReport, FsckViolation } from "../../shared/fsck.ts";
import type { Command } from "../command.ts";

/** Artifacts per request: each request's work on the server stays bounded. */
const PAGE_LIMIT = 20;

interface Totals {
  artifacts: number;
  versions: number;
  pages: number;
  blobs: number;
  pendingMirrors: number;
}

export const adminFsck: Command = {
  name: "admin fsck",
  usage: "[--repair] [--all]",
  summary:
    "check the team's invariants (gapless versions, aliases, D1 mirror, pages, verified blobs in R2); --repair rewrites a diverging mirror from the artifact objects; --all checks every team (deployment admin token)",
  options: { repair: { type: "boolean" }, all: { type: "boolean" } },
  async run(ctx) {
    const repair = ctx.options.repair === true;
    const all = ctx.options.all === true;
    const client = await ctx.api().client();
    const totals: Totals = { artifacts: 0, versions: 0, pages: 0, blobs: 0, pendingMirrors: 0 };
    const violations: (FsckViolation & { team: string })[] = [];
    const teams = new Set<string>();
    const add = (report: FsckReport) => {
      teams.add(report.team);
      totals.artifacts += report.checked.artifacts;
      totals.versions += report.checked.versions;
      totals.pages += report.checked.pages;
      totals.blobs += report.checked.blobs;
      totals.pendingMirrors += report.pendingMirrors;
      for (const violation of report.violations) violations.push({ team: report.team, ...violation });
    };
    let cursor: string | null = null;
    do {
      const body = { repair, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) };
      if (all) {
        const page: FsckAllReport = await client.request("POST", "/admin/fsck", body);
        for (const report of page.teams) add(report);
        cursor = page.nextCursor;
      } else {
        const page: FsckReport = await client.request("POST", client.teamPath("/admin/fsck"), body);
        add(page);
        cursor = page.nextCursor;
      }
    } while (cursor);

    const unrepaired = violations.filter((violation) => violation.repaired !== true).length;
    ctx.printJson({ teams: [...teams], checked: totals, violations, unrepaired });
    for (const v of violations) {
      const where = `${all ? `${v.team}/` : ""}${v.artifact}${v.version === undefined ? "" : `:v${v.version}`}`;
      const fixed = v.repaired === undefined ? "" : v.repaired ? " [repaired]" : " [not repaired]";
      ctx.print(`${v.kind}\t${where}\t${v.detail}${fixed}`);
    }
    ctx.print(
      `checked ${totals.artifacts} artifacts, ${totals.versions} versions, ${totals.pages} pages, ${totals.blobs} blobs in ${teams.size} team(s): ${violations.length} violation(s)${repair ? `, ${violations.length - unrepaired} repaired` : ""}`,
    );
    // Exit 1 while anything is still wrong, so scripts and CI can rely on the code alone.
    return unrepaired > 0 ? 1 : 0;
  },
};
