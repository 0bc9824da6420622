/**
 * @module Checking a directory against a version: every file hashed afresh (no cache: this is the check the
 * user asks for when in doubt), plus files on disk the version does not have.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { isReference } from "../../shared/manifest.ts";
import { hashFile } from "../checksum-cache.ts";
import type { Client } from "../client.ts";
import { listFiles, type VersionAddress } from "../listing.ts";
import { type ProgressListener, ProgressTracker } from "../progress.ts";
import { forEachLimit } from "../retry.ts";
import { walkDir } from "../walk.ts";
import { targetPath } from "./download.ts";

/**
 * The outcome of `verify`: `ok` when nothing is mismatched or missing (extra files are reported but
 * allowed, since a download with a path prefix or other tools may leave some).
 *
 * @example
 * ```ts
 * const report: VerifyReport = await version.verify("artifacts/training-data:v0");
 * if (!report.ok) console.error(report.mismatched, report.missing);
 * ```
 */
export interface VerifyReport {
  ok: boolean;
  checked: number;
  mismatched: { path: string; expected: string; actual: string }[];
  missing: string[];
  extra: string[];
  /** References that could not be checked (no sha256 checksum). */
  unchecked: string[];
}

export async function verifyDirectory(
  client: Client,
  at: VersionAddress,
  rootDir: string,
  options: { pathPrefix?: string; onProgress?: ProgressListener } = {},
): Promise<VerifyReport> {
  const root = path.resolve(rootDir);
  const tracker = new ProgressTracker("verifying", options.onProgress);
  const report: VerifyReport = {
    ok: true,
    checked: 0,
    mismatched: [],
    missing: [],
    extra: [],
    unchecked: [],
  };
  const expected = new Set<string>();
  const checks: { path: string; sha256?: string; size?: number }[] = [];
  for await (const entry of listFiles(client, at, options.pathPrefix ?? "")) {
    expected.add(entry.path);
    if (isReference(entry)) {
      const sha = entry.checksum?.startsWith("sha256:") ? entry.checksum.slice(7) : undefined;
      if (!sha) report.unchecked.push(entry.path);
      checks.push({
        path: entry.path,
        ...(sha ? { sha256: sha } : {}),
        ...(entry.size === undefined ? {} : { size: entry.size }),
      });
    } else {
      checks.push({ path: entry.path, sha256: entry.sha256, size: entry.size });
    }
  }
  tracker.start(
    "verifying",
    checks.length,
    checks.reduce((sum, c) => sum + (c.size ?? 0), 0),
  );
  await forEachLimit(checks, 4, async (check) => {
    const file = targetPath(root, check.path);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      report.missing.push(check.path);
    } else if (check.size !== undefined && stat.size !== check.size) {
      report.mismatched.push({
        path: check.path,
        expected: `${check.size} bytes`,
        actual: `${stat.size} bytes`,
      });
    } else if (check.sha256) {
      const { sha256 } = await hashFile(file);
      if (sha256 !== check.sha256) {
        report.mismatched.push({ path: check.path, expected: check.sha256, actual: sha256 });
      }
    }
    report.checked++;
    tracker.addBytes(check.size ?? 0);
    tracker.addFiles(1);
  });
  const prefix = options.pathPrefix ?? "";
  const onDisk = await walkDir(root, "").catch(() => []);
  for (const file of onDisk) {
    if (
      file.path.startsWith(prefix) &&
      !expected.has(file.path) &&
      !file.path.split("/").pop()?.endsWith(".cairn-tmp")
    ) {
      report.extra.push(file.path);
    }
  }
  report.missing.sort();
  report.extra.sort();
  report.mismatched.sort((a, b) => (a.path < b.path ? -1 : 1));
  report.ok = report.missing.length === 0 && report.mismatched.length === 0;
  return report;
}
