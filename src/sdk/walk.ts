/** @module Walking local directories into (manifest path → absolute file) pairs. */
import type { Stats } from "node:fs";
import fs from "node:fs/promises";
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
 */
export async function walkDir(dir: string, prefix: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const seen = new Set<string>();
  const visit = async (abs: string, rel: string): Promise<void> => {
    const real = await fs.realpath(abs);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await fs.readdir(abs, { withFileTypes: true });
    for (const entry of entries) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let stat: Stats;
      try {
        stat = await fs.stat(childAbs);
      } catch {
        continue; // a dangling symbolic link has no content to log
      }
      if (stat.isDirectory()) await visit(childAbs, childRel);
      else if (stat.isFile())
        out.push({ path: prefix ? `${prefix}/${childRel}` : childRel, abs: childAbs, stat });
    }
  };
  await visit(path.resolve(dir), "");
  return out;
}
