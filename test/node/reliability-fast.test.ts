/**
 * The quick part of the reliability suite (issue 6), in `npm test`: concurrent logs against the shared
 * `wrangler dev`, then `cairn admin fsck` as a user runs it. The long seeded runs are in test/reliability.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Api, Artifact } from "../../src/sdk/index.ts";
import { cliEnv, seededBytes, spawnCli, writeTree } from "../reliability/support/harness.ts";
import { callApi, newTeam, server } from "./support/server.ts";

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (20 concurrent clients)", () => {
  it("should number 20 concurrent logs v0..v19 and find nothing wrong with cairn admin fsck", async () => {
    const t = await newTeam("relfast");
    const work = mkdtempSync(path.join(tmpdir(), "cairn-relfast-"));
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const dir = path.join(work, `c${i}`);
        writeTree(dir, { "x.bin": seededBytes(i + 1, 2048), "same.txt": Buffer.from("shared") });
        const artifact = new Artifact({ name: "data", type: "dataset" });
        artifact.addDir(dir);
        const api = new Api({
          host: server().url,
          key: t.writer,
          team: t.team,
          project: "p",
          env: {} as Record<string, string> as NodeJS.ProcessEnv,
          cacheDir: path.join(work, `cache-${i}`),
        });
        return api.logArtifact(artifact);
      }),
    );
    expect(results.map((r) => r.version.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    const listed = await callApi<{ versions: { version: number; aliases: string[] }[] }>(
      "GET",
      `/teams/${t.team}/projects/p/artifacts/data/versions?limit=100`,
      { key: t.reader },
    );
    expect(listed.versions.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
    expect(listed.versions[0]?.aliases).toEqual(["latest"]);

    const env = cliEnv(path.join(work, "admin"), server().url, t.admin, t.team);
    const check = await spawnCli(["admin", "fsck", "--json"], env).done;
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      teams: [t.team],
      checked: { artifacts: 1, versions: 20, blobs: 21 },
      violations: [],
      unrepaired: 0,
    });
    // A writer key may not run the checker: the CLI says so and exits 1.
    const denied = await spawnCli(
      ["admin", "fsck"],
      cliEnv(path.join(work, "w"), server().url, t.writer, t.team),
    ).done;
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("admin");
  });
});
