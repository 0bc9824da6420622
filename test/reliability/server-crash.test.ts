/**
 * Server crashes (issue 6): `wrangler dev` is SIGKILLed (its whole process group) right after a
 * `complete` or a commit reached it, at a seeded delay. Restarted on the same state, the checker finds
 * nothing wrong, and the client's rerun finishes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliEnv,
  cliJson,
  crashServer,
  fsck,
  type LocalServer,
  newTeam,
  recordRun,
  request,
  rng,
  seedCount,
  seededTree,
  spawnCli,
  startServer,
  writeTree,
} from "./support/harness.ts";
import { type ForwardedRequest, RecordingProxy } from "./support/proxy.ts";

let server: LocalServer;
let proxy: RecordingProxy;
let work: string;
let stateDir: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "cairn-rel-server-"));
  stateDir = path.join(work, "state");
  server = await startServer(stateDir);
  proxy = await new RecordingProxy(server.url).start();
});

afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
  if (!process.env.CAIRN_KEEP_TEST_STATE) rmSync(work, { recursive: true, force: true });
});

type Phase = "complete" | "commit";

function isPhase(phase: Phase, request: ForwardedRequest): boolean {
  if (request.method !== "POST") return false;
  const pathname = request.path.split("?")[0] ?? "";
  return phase === "complete"
    ? pathname.endsWith("/blobs/complete")
    : /\/artifacts\/[^/]+\/(versions|drafts\/[^/]+\/commit)$/.test(pathname);
}

// Each seed kills once during `complete` and once during a commit: `--seeds 5` is 10 server crashes.
const runs = Array.from({ length: seedCount() }, (_, i) => i + 1).flatMap((seed) =>
  (["complete", "commit"] as const).map((phase) => ({ seed, phase })),
);

describe("wrangler dev killed with SIGKILL (server crash)", () => {
  it.each(runs)(
    "should check clean after a restart and finish the rerun (seed $seed, during $phase)",
    async ({ seed, phase }) => {
      const random = rng(seed * 104729 + (phase === "commit" ? 1 : 0));
      const t = await newTeam(server.url, server.adminToken, "srv");
      const files = seededTree(seed * 2 + (phase === "commit" ? 1 : 0), {
        small: [3, 12],
        large: [1, 1],
        largeMiB: [9, 24],
      });
      const dir = path.join(work, `tree-${seed}-${phase}`);
      writeTree(dir, files);
      const count = Object.keys(files).length;
      const env = cliEnv(path.join(work, `home-${seed}-${phase}`), proxy.url, t.writer, t.team);
      const args = ["put", dir, "--name", "data", "--type", "dataset"];
      // complete reads bytes back (tens of ms to a second); a commit is a few ms of D1 and DO work.
      const delay = phase === "complete" ? random.int(0, 400) : random.int(0, 25);

      const crash: { done: Promise<void> | null } = { done: null };
      proxy.onForwarded = (forwarded) => {
        if (crash.done || !isPhase(phase, forwarded)) return;
        crash.done = new Promise((resolve) => setTimeout(resolve, delay)).then(() => crashServer(server));
      };
      const client = spawnCli([...args, "--json"], env);
      const ended = await Promise.race([
        client.done.then(() => "client" as const),
        new Promise<"crash">((resolve) => {
          const poll = setInterval(() => {
            if (crash.done) {
              clearInterval(poll);
              resolve("crash");
            }
          }, 5);
        }),
      ]);
      proxy.onForwarded = null;
      if (crash.done) await crash.done;
      // The client cannot finish against a dead server; it dies too (its rerun is what must finish).
      client.child.kill("SIGKILL");
      const firstAttempt = await client.done;

      server = await startServer(stateDir);
      proxy.setUpstream(server.url);
      const afterRestart = await fsck(server.url, t.admin, t.team);
      const rerun = await cliJson<{
        version: number;
        files: number;
        created: boolean;
        uploadedBytes: number;
      }>(args, env);
      const afterRerun = await fsck(server.url, t.admin, t.team);
      const listed: { versions: { version: number; files: number }[] } = await request(
        server.url,
        t.reader,
        "GET",
        `/teams/${t.team}/projects/p/artifacts/data/versions`,
      );

      recordRun("server-crash", {
        seed,
        phase,
        delayMs: delay,
        crashed: crash.done !== null,
        firstAttemptExit: firstAttempt.code ?? firstAttempt.signal,
        firstEnded: ended,
        violationsAfterRestart: afterRestart.length,
        violationsAfterRerun: afterRerun.length,
        rerunCreated: rerun.created,
        rerunUploadedBytes: rerun.uploadedBytes,
      });
      expect(crash.done).not.toBeNull();
      expect(afterRestart).toEqual([]);
      expect(rerun).toMatchObject({ version: 0, files: count });
      expect(afterRerun).toEqual([]);
      expect(listed.versions.map((v) => [v.version, v.files])).toEqual([[0, count]]);
    },
  );
});
