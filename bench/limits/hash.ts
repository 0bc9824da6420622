/**
 * @module Hash limit: node:crypto sha256 over the same bytes the workloads upload, read from the file
 * (page cache warm, as it is for the CLI right after the data is written). This uses the CPU's SHA
 * instructions; `sha256sum` does not, so it is not a limit.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { mbPerSecond, round, timed } from "../lib/timing.ts";

export interface HashLimit {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
}

export async function hashFileLimit(file: string, size: number): Promise<HashLimit> {
  const { seconds } = await timed(
    () =>
      new Promise<string>((resolve, reject) => {
        const hash = createHash("sha256");
        createReadStream(file, { highWaterMark: 1024 * 1024 })
          .on("data", (chunk) => hash.update(chunk))
          .on("error", reject)
          .on("end", () => resolve(hash.digest("hex")));
      }),
  );
  return { bytes: size, seconds: round(seconds), mbPerSecond: round(mbPerSecond(size, seconds), 1) };
}

/** sha256 of every file of a tree, one after another (small files: the cost is open/read, not hashing). */
export async function hashTreeLimit(dir: string, paths: readonly string[], size: number): Promise<HashLimit> {
  const { seconds } = await timed(() => {
    for (const rel of paths)
      createHash("sha256")
        .update(readFileSync(path.join(dir, rel)))
        .digest();
  });
  const bytes = paths.length * size;
  return { bytes, seconds: round(seconds), mbPerSecond: round(mbPerSecond(bytes, seconds), 1) };
}
