/** @module Walking local directories into (manifest path → absolute file) pairs. */
import { readdirSync, realpathSync, type Stats, statSync } from "node:fs";
import path from "node:path";

export interface LocalFile {
  /** Path inside the artifact, with '/' separators. */
  path: string;
  abs: string;
  stat: Stats;
}

/**
 * Every regular file under `dir` (following symbolic links, visiting each real directory once),
 * named `prefix/relative/path`.
 *
 * Synchronous inside: a stat of a cached inode takes microseconds, and awaiting 10,000 of them one by one
 * through the thread pool made an unchanged re-put of 10,000 files spend ~250 ms here instead of ~40 ms.
 */
export async function walkDir(dir: string, prefix: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const seen = new Set<string>();
  const visit = (abs: string, rel: string): void => {
    const real = realpathSync(abs);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = readdirSync(abs, { withFileTypes: true });
    for (const entry of entries) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let stat: Stats;
      try {
        stat = statSync(childAbs);
      } catch {
        continue; // a dangling symbolic link has no content to log
      }
      if (stat.isDirectory()) visit(childAbs, childRel);
      else if (stat.isFile())
        out.push({ path: prefix ? `${prefix}/${childRel}` : childRel, abs: childAbs, stat });
    }
  };
  visit(path.resolve(dir), "");
  return out;
}
