/**
 * Concurrency against a real `wrangler dev` (issue 6): many clients at once on one artifact, one alias
 * and one blob. Every test ends with the checker finding nothing.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, Artifact } from "../../src/sdk/index.ts";
import {
  countR2Objects,
  fsck,
  type LocalServer,
  MIB,
  newTeam,
  request,
  seededBytes,
  startServer,
  type Team,
  writeTree,
} from "./support/harness.ts";

let server: LocalServer;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cairn-rel-conc-"));
  server = await startServer(path.join(work, "state"));
});

afterAll(async () => {
  await server?.stop();
  if (!process.env.CAIRN_KEEP_TEST_STATE) rmSync(work, { recursive: true, force: true });
});

/** A separate SDK client (own cache dir, so no checksum cache or resume state is shared). */
function client(t: Team, name: string): Api {
  return new Api({
    host: server.url,
    key: t.writer,
    team: t.team,
    project: "p",
    env: {} as Record<string, string> as NodeJS.ProcessEnv,
    cacheDir: path.join(work, "clients", t.team, name),
  });
}

/** Logs one file with these bytes as artifact `name` from a fresh client. */
async function logFile(t: Team, name: string, clientName: string, bytes: Buffer) {
  const dir = path.join(work, "files", t.team, clientName);
  writeTree(dir, { "data.bin": bytes });
  const artifact = new Artifact({ name, type: "dataset" });
  artifact.addFile(path.join(dir, "data.bin"));
  return client(t, clientName).logArtifact(artifact);
}

async function versionsOf(t: Team, name: string) {
  const numbers: number[] = [];
  let cursor: string | null = null;
  do {
    const page: { versions: { version: number; aliases: string[] }[]; nextCursor: string | null } =
      await request(
        server.url,
        t.reader,
        "GET",
        `/teams/${t.team}/projects/p/artifacts/${name}/versions?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      );
    numbers.push(...page.versions.map((v) => v.version));
    cursor = page.nextCursor;
  } while (cursor);
  return numbers.sort((a, b) => a - b);
}

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (100 clients)", () => {
  it("should number 100 concurrent logs of different content v0..v99 and point latest at v99", async () => {
    const t = await newTeam(server.url, server.adminToken);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => logFile(t, "many", `c${i}`, seededBytes(1000 + i, 4096))),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.version.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(await versionsOf(t, "many")).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const latest: { version: { version: number } } = await request(
      server.url,
      t.reader,
      "GET",
      `/teams/${t.team}/projects/p/artifacts/many/versions/latest`,
    );
    expect(latest.version.version).toBe(99);
    expect(await fsck(server.url, t.admin, t.team)).toEqual([]);
  });

  it("should make exactly one version of 100 concurrent logs of the same content", async () => {
    const t = await newTeam(server.url, server.adminToken);
    const bytes = seededBytes(2000, 64 * 1024);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => logFile(t, "same", `c${i}`, bytes)),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.version.version))).toEqual(new Set([0]));
    expect(await versionsOf(t, "same")).toEqual([0]);
    expect(await fsck(server.url, t.admin, t.team)).toEqual([]);
  });
});

describe("PUT /api/v1/teams/:team/projects/:project/artifacts/:name/aliases/:alias (20 clients)", () => {
  it("should let one of 20 concurrent compare-and-swaps from one ifVersion win and answer 19 alias_conflict", async () => {
    const t = await newTeam(server.url, server.adminToken);
    for (let i = 0; i < 21; i++) await logFile(t, "cas", "one", seededBytes(3000 + i, 100));
    const aliasPath = `/teams/${t.team}/projects/p/artifacts/cas/aliases/prod`;
    await request(server.url, t.writer, "PUT", aliasPath, { version: "v0", ifVersion: null });
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(`${server.url}/api/v1${aliasPath}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${t.writer}`, "content-type": "application/json" },
          body: JSON.stringify({ version: `v${i + 1}`, ifVersion: "v0" }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    const winners = answers.filter((a) => a.status === 200);
    const losers = answers.filter((a) => a.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    const won = winners[0]?.body as { version: number };
    for (const loser of losers) {
      expect(loser.body).toMatchObject({
        error: { code: "alias_conflict", details: { current: `v${won.version}` } },
      });
    }
    expect(await fsck(server.url, t.admin, t.team)).toEqual([]);
  });
});

describe("POST /api/v1/teams/:team/blobs/complete (10 clients, one new blob)", () => {
  it("should store one object when 10 clients upload the same new multipart blob at once, and commit all", async () => {
    const t = await newTeam(server.url, server.adminToken);
    const bytes = seededBytes(4000 + (Date.now() % 1000), 20 * MIB);
    const sha = createHash("sha256").update(bytes).digest("hex");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => logFile(t, `shared-${i}`, `c${i}`, bytes)),
    );
    expect(results.map((r) => r.version.version)).toEqual(new Array(10).fill(0));
    expect(countR2Objects(server.persistDir, `/${sha}/`)).toBe(1);
    expect(await fsck(server.url, t.admin, t.team)).toEqual([]);
  });
});
