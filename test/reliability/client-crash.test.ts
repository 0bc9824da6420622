/**
 * Client crashes (issue 6): `cairn put` of small and multipart files is SIGKILLed at a seeded moment;
 * the rerun finishes, a watcher never sees a partial version, and the bytes sent again stay below one
 * part per interrupted file. Bytes are counted by a proxy that every request (and every presigned PUT)
 * goes through.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliEnv,
  cliJson,
  fsck,
  type LocalServer,
  newTeam,
  PART_SIZE,
  recordRun,
  request,
  rng,
  seedCount,
  seededTree,
  spawnCli,
  startServer,
  writeTree,
} from "./support/harness.ts";
import { RecordingProxy } from "./support/proxy.ts";
import { watchVersions } from "./support/watcher.ts";

let server: LocalServer;
let proxy: RecordingProxy;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cairn-rel-client-"));
  server = await startServer(path.join(work, "state"));
  proxy = await new RecordingProxy(server.url).start();
});

afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
  if (!process.env.CAIRN_KEEP_TEST_STATE) rmSync(work, { recursive: true, force: true });
});

const seeds = Array.from({ length: seedCount() }, (_, i) => i + 1);

describe("cairn put killed with SIGKILL (client crash)", () => {
  it.each(seeds)(
    "should finish on rerun without a partial version or re-sending what arrived (seed %i)",
    async (seed) => {
      const random = rng(seed * 7919);
      const t = await newTeam(server.url, server.adminToken, "crash");
      const files = seededTree(seed, { small: [5, 30], large: [1, 2], largeMiB: [9, 40] });
      const dir = path.join(work, `tree-${seed}`);
      writeTree(dir, files);
      const size = Object.values(files).reduce((sum, bytes) => sum + bytes.byteLength, 0);
      const count = Object.keys(files).length;
      const env = cliEnv(path.join(work, `home-${seed}`), proxy.url, t.writer, t.team);
      const watcher = watchVersions(server.url, t.reader, `/teams/${t.team}/projects/p/artifacts/data`, {
        files: count,
        size,
      });
      const args = ["put", dir, "--name", "data", "--type", "dataset"];

      // Attempt 1, killed at a seeded moment (startup of the CLI included: some kills land before any PUT).
      proxy.attempt = seed * 10 + 1;
      const first = spawnCli([...args, "--json"], env);
      const delay = random.int(200, 2800);
      const timer = new Promise<"kill">((resolve) => setTimeout(() => resolve("kill"), delay));
      const outcome = await Promise.race([timer, first.done.then(() => "exited" as const)]);
      const inFlightAtKill = proxy.inFlight().filter((put) => put.attempt === proxy.attempt);
      if (outcome === "kill") first.child.kill("SIGKILL");
      await first.done;

      // Only now does the kill count as over: anything the dying client had in flight has ended.
      const firstPuts = proxy.puts.filter((put) => put.attempt === proxy.attempt);
      const stored = new Set(firstPuts.filter((put) => put.status === 200).map((put) => put.part));
      const verifiedBefore = new Set(
        [...proxy.verified].filter(([, attempt]) => attempt === proxy.attempt).map(([sha]) => sha),
      );
      const interrupted = new Set(
        firstPuts.map((put) => put.sha256).filter((sha) => !verifiedBefore.has(sha)),
      );

      // Attempt 2: the same command, to the end.
      proxy.attempt = seed * 10 + 2;
      const rerun = await cliJson<{
        version: number;
        files: number;
        uploadedBytes: number;
        created: boolean;
      }>(args, env);
      const rerunPuts = proxy.puts.filter((put) => put.attempt === proxy.attempt);
      const resent = rerunPuts.filter((put) => stored.has(put.part)).reduce((sum, put) => sum + put.bytes, 0);
      const resentVerified = rerunPuts.filter((put) => verifiedBefore.has(put.sha256));
      const watched = await watcher.stop();

      recordRun("client-crash", {
        seed,
        files: count,
        bytes: size,
        killedAfterMs: delay,
        killed: outcome === "kill",
        inFlightAtKill: inFlightAtKill.length,
        firstAttemptStoredParts: stored.size,
        verifiedBeforeKill: verifiedBefore.size,
        interruptedFiles: interrupted.size,
        resentBytes: resent,
        rerunUploadedBytes: rerun.uploadedBytes,
        rerunCreated: rerun.created,
        watcherPolls: watched.polls,
        partialSeen: watched.partial.length,
      });
      expect(rerun).toMatchObject({ version: 0, files: count });
      expect(watched.partial).toEqual([]);
      expect(resentVerified).toEqual([]);
      expect(resent).toBeLessThanOrEqual(Math.max(0, interrupted.size * PART_SIZE - 1));
      const listed: { versions: { version: number }[] } = await request(
        server.url,
        t.reader,
        "GET",
        `/teams/${t.team}/projects/p/artifacts/data/versions`,
      );
      expect(listed.versions.map((v) => v.version)).toEqual([0]);
      expect(await fsck(server.url, t.admin, t.team)).toEqual([]);
    },
  );
});
