import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { cairnEnv, cliJson, spawnCli, writeTree } from "./support/cairn-env.ts";
import { callApi } from "./support/server.ts";

const SIZE = 100 * 1024 * 1024;

/** True once the resume file records at least one finished part. */
function partSent(uploads: string): boolean {
  if (!existsSync(uploads)) return false;
  for (const file of readdirSync(uploads)) {
    try {
      const state = JSON.parse(readFileSync(path.join(uploads, file), "utf8"));
      if (Object.keys(state.etags ?? {}).length > 0) return true;
    } catch {
      // being written
    }
  }
  return false;
}

describe("cairn put after SIGKILL", () => {
  it("should resume a killed multipart upload, send fewer bytes, and never list a partial version", async () => {
    const { dir, env, team } = await cairnEnv();
    writeTree(dir, { "w/weights.bin": SIZE });
    const args = ["put", "w", "--name", "weights", "--type", "model", "--json"];

    // A watcher lists versions throughout; any version it sees must be the complete one.
    const seen: { version: number; size: number; files: number }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const res = await fetch(
          `${env.CAIRN_HOST}/api/v1/teams/${team.team}/projects/p/artifacts/weights/versions`,
          {
            headers: { authorization: `Bearer ${team.reader}` },
          },
        );
        if (res.ok) seen.push(...((await res.json()) as { versions: typeof seen }).versions);
        else await res.body?.cancel();
        await sleep(100);
      }
    })();

    const child = spawnCli(args, env, dir);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const uploads = path.join(env.XDG_CACHE_HOME ?? "", "cairn", "uploads");
    const deadline = Date.now() + 60_000;
    while (!partSent(uploads) && Date.now() < deadline) await sleep(20);
    expect(partSent(uploads)).toBe(true);
    child.kill("SIGKILL");
    await exited;
    expect(seen).toEqual([]);

    const resumed = await cliJson(args.slice(0, -1), env, dir);
    watching = false;
    await watcher;
    expect(resumed).toMatchObject({ created: true, version: 0, files: 1, size: SIZE });
    expect(resumed.uploadedBytes).toBeGreaterThan(0);
    expect(resumed.uploadedBytes).toBeLessThan(SIZE);
    expect(readdirSync(uploads)).toEqual([]);
    for (const v of seen) expect(v).toMatchObject({ version: 0, size: SIZE, files: 1 });

    const versions = await callApi<{ versions: unknown[] }>(
      "GET",
      `/teams/${team.team}/projects/p/artifacts/weights/versions`,
      { key: team.reader },
    );
    expect(versions.versions).toHaveLength(1);
  });
});
