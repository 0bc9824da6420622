/**
 * @module Regenerates the generated part of docs/PERFORMANCE.md (between the bench markers) from one result,
 * keeping every hand-written word outside the markers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BenchResults } from "../lib/context.ts";
import { formatBytes } from "./format.ts";
import { buildRows, limitLines } from "./rows.ts";

export const BEGIN = "<!-- bench:generated:begin (npm run bench rewrites this part; edit outside it) -->";
export const END = "<!-- bench:generated:end -->";

const SKELETON = `# Performance

How fast Cairn is on the machine that ran \`npm run bench\`, as ratios to limits measured in the same run
(the machines are shared and noisy, so raw figures alone would mean little). How to run it:
\`npm run bench\` (full, < 25 min) or \`npm run bench -- --quick\` (smaller sizes, same code paths, < 3 min).
Raw figures of every run are in \`bench/results/\`.

${BEGIN}
${END}

## Notes
`;

export function generatedSection(results: BenchResults, resultFile: string): string {
  const m = results.machine;
  const rows = buildRows(results);
  const lines = [
    `Run: ${results.mode} mode, ${results.startedAt}, ${results.durationSeconds ?? "?"} s, commit \`${m.commit.slice(0, 12)}\`${m.dirty ? " (with uncommitted changes)" : ""}; raw figures: \`${resultFile}\`.`,
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${formatBytes(m.memoryBytes)} memory, Node ${m.node}; load average at start ${results.loadAverage.start.join(" / ")}, at end ${(results.loadAverage.end ?? []).join(" / ")}.`,
    "",
    "| workload | Cairn | limit | ratio | goal | met? |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.workload} | ${r.cairn} | ${r.limit} | ${r.ratio} | ${r.goal} | ${r.met} |`),
    "",
    "Limits measured in the same run:",
    "",
    "| limit | figure |",
    "| --- | --- |",
    ...limitLines(results),
  ];
  if (results.notes.length > 0) lines.push("", ...results.notes.map((note) => `- ${note}`));
  if (results.errors.length > 0) {
    lines.push("", "Steps that failed in this run:", "");
    for (const error of results.errors)
      lines.push(`- \`${error.step}\`: ${error.message.replace(/\s+/g, " ").slice(0, 300)}`);
  }
  return lines.join("\n");
}

export function writePerformanceDoc(file: string, results: BenchResults, resultFile: string): void {
  const current = existsSync(file) ? readFileSync(file, "utf8") : SKELETON;
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const base = begin >= 0 && end > begin ? current : `${current.trimEnd()}\n\n${BEGIN}\n${END}\n`;
  const from = base.indexOf(BEGIN) + BEGIN.length;
  const to = base.indexOf(END);
  const next = `${base.slice(0, from)}\n${generatedSection(results, resultFile)}\n${base.slice(to)}`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, next);
}
