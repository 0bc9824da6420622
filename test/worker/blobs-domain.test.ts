import { describe, expect, it } from "vitest";
import { findMissingBlobs, planParts, verifiedBlobKeys } from "../../src/worker/domain/blobs.ts";
import { sha256OfStream, uploadKey, verifyObject } from "../../src/worker/storage/blob-store.ts";
import { content, teamId } from "./blob-helpers.ts";
import { env, newTeam } from "./helpers.ts";

const MIB = 1024 * 1024;

function sha(i: number): string {
  return i.toString(16).padStart(64, "0");
}

async function insertVerified(team: string, shas: string[]): Promise<void> {
  const insert = env.DB.prepare(
    "INSERT INTO blobs (team_id, sha256, size, r2_key, etag, verified_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  await env.DB.batch(shas.map((s, i) => insert.bind(team, s, i, uploadKey(team, s, "u"), "e", Date.now())));
}

describe("findMissingBlobs / verifiedBlobKeys", () => {
  it("should find the missing among 100,000 shas quickly, per team only", async () => {
    const t = await newTeam();
    const other = await newTeam();
    const id = await teamId(t.team);
    const otherId = await teamId(other.team);
    const all = Array.from({ length: 100_000 }, (_, i) => sha(i));
    const present = all.filter((_, i) => i % 1000 === 7);
    await insertVerified(id, present);
    await insertVerified(otherId, [sha(8), sha(9)]);

    const started = performance.now();
    const missing = await findMissingBlobs(env.DB, id, all);
    const elapsed = performance.now() - started;
    console.log(`findMissingBlobs: 100,000 shas in ${elapsed.toFixed(0)} ms`);
    expect(missing).toHaveLength(all.length - present.length);
    expect(missing).not.toContain(sha(7));
    expect(missing).toContain(sha(8));
    expect(missing.slice(0, 3)).toEqual([sha(0), sha(1), sha(2)]);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("should return each missing sha once, and keys and sizes of the verified ones", async () => {
    const t = await newTeam();
    const id = await teamId(t.team);
    await insertVerified(id, [sha(1), sha(2)]);
    expect(await findMissingBlobs(env.DB, id, [sha(3), sha(1), sha(3), sha(4)])).toEqual([sha(3), sha(4)]);
    expect(await findMissingBlobs(env.DB, id, [])).toEqual([]);
    const keys = await verifiedBlobKeys(env.DB, id, [sha(2), sha(3)]);
    expect([...keys.entries()]).toEqual([
      [sha(2), { r2Key: uploadKey(id, sha(2), "u"), size: 1, etag: "e" }],
    ]);
  });
});

describe("planParts", () => {
  it("should keep parts at 16 MiB until 10,000 would not do, then grow in whole MiB", () => {
    expect(planParts(40 * MIB)).toEqual({ partSize: 16 * MIB, partCount: 3 });
    expect(planParts(16 * MIB * 10_000)).toEqual({ partSize: 16 * MIB, partCount: 10_000 });
    expect(planParts(16 * MIB * 10_000 + 1)).toEqual({ partSize: 17 * MIB, partCount: 9412 });
  });
});

describe("verifyObject", () => {
  it("should accept the right bytes and name what differs otherwise", async () => {
    const a = await content(3 * MIB + 17);
    const key = uploadKey("verify-test", a.sha256, crypto.randomUUID());
    expect(await verifyObject(env.BLOBS, key, a.sha256, a.size)).toEqual({
      ok: false,
      reason: "not_uploaded",
    });
    const stored = await env.BLOBS.put(key, a.bytes);
    expect(await verifyObject(env.BLOBS, key, a.sha256, a.size)).toEqual({ ok: true, etag: stored?.etag });
    expect(await verifyObject(env.BLOBS, key, a.sha256, a.size + 1)).toEqual({
      ok: false,
      reason: "size_mismatch",
      actualSize: a.size,
    });
    expect(await verifyObject(env.BLOBS, key, "0".repeat(64), a.size)).toEqual({
      ok: false,
      reason: "digest_mismatch",
      actualSha256: a.sha256,
    });
  });

  it("should hash a stream that arrives in odd-sized chunks", async () => {
    const a = await content(2 * MIB + 5);
    const stream = new ReadableStream({
      type: "bytes",
      start(controller) {
        for (let i = 0; i < a.size; i += 4099) controller.enqueue(a.bytes.slice(i, i + 4099));
        controller.close();
      },
    });
    expect(await sha256OfStream(stream)).toEqual({ hex: a.sha256, bytes: a.size });
  });
});
