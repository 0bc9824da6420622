/** @module Tests of the expired-upload cleanup (domain function and cron handler) and of expiry in prepare/complete. */
import { createScheduledController } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PreparedBlob } from "../../src/shared/api.ts";
import { cleanupExpiredUploads, cleanupGraceMs } from "../../src/worker/domain/upload-cleanup.ts";
import worker from "../../src/worker/index.ts";
import { complete, content, keyOfUrl, prepare, sha256Hex, teamId, upload } from "./blob-helpers.ts";
import { env, newTeam } from "./helpers.ts";

const MIB = 1024 * 1024;
const HOUR = 3600_000;
const deps = { db: env.DB, bucket: env.BLOBS };

/** The runtime's loopback Fetcher has `scheduled()`; this workers-types version does not declare it. */
const mainWorker = exports.default as unknown as {
  scheduled(options: { cron?: string; scheduledTime?: Date }): Promise<unknown>;
};

type UploadPlan = Extract<PreparedBlob, { status: "upload" }>;
type MultipartPlan = Extract<PreparedBlob, { status: "multipart" }>;

function asUpload(plan: PreparedBlob | undefined): UploadPlan {
  if (plan?.status !== "upload") throw new Error(`expected a single PUT, got ${JSON.stringify(plan)}`);
  return plan;
}

function asMultipart(plan: PreparedBlob | undefined): MultipartPlan {
  if (plan?.status !== "multipart") throw new Error(`expected a multipart plan, got ${JSON.stringify(plan)}`);
  return plan;
}

/** Sets an upload's expiry to `now + offsetMs` (negative: in the past). */
async function expireAt(uploadId: string, offsetMs: number): Promise<void> {
  const res = await env.DB.prepare("UPDATE uploads SET expires_at = ? WHERE id = ?")
    .bind(Date.now() + offsetMs, uploadId)
    .run();
  expect(res.meta.changes).toBe(1);
}

async function uploadRow(uploadId: string): Promise<{ expires_at: number } | null> {
  return env.DB.prepare("SELECT expires_at FROM uploads WHERE id = ?").bind(uploadId).first();
}

function runCleanup(limit?: number) {
  return cleanupExpiredUploads(deps, { now: Date.now(), graceMs: cleanupGraceMs(env), limit });
}

/** A prepared single PUT whose bytes are stored, and a multipart upload with its one part sent. */
async function startedUploads(team: string, key: string) {
  const small = await content(1000);
  const big = await content(8 * MIB);
  const [smallPlan, bigPlan] = await prepare(team, key, [
    { sha256: small.sha256, size: small.size },
    { sha256: big.sha256, size: big.size },
  ]);
  const single = asUpload(smallPlan);
  await env.BLOBS.put(keyOfUrl(single.url).key, small.bytes);
  const multipart = asMultipart(bigPlan);
  const { key: bigKey, query } = keyOfUrl(multipart.parts[0]?.url ?? "");
  const multipartId = query.get("uploadId") ?? "";
  const part = await env.BLOBS.resumeMultipartUpload(bigKey, multipartId).uploadPart(1, big.bytes);
  return { single, smallKey: keyOfUrl(single.url).key, multipart, bigKey, multipartId, part };
}

describe("scheduled: cleanupExpiredUploads", () => {
  it("should delete expired uploads, abort their multipart uploads and delete the objects they left", async () => {
    const t = await newTeam();
    const u = await startedUploads(t.team, t.writer);
    await expireAt(u.single.uploadId, -2 * HOUR);
    await expireAt(u.multipart.uploadId, -2 * HOUR);

    const result = await runCleanup();

    expect(result).toMatchObject({ failed: 0, more: false });
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    expect(result.aborted).toBeGreaterThanOrEqual(1);
    expect(await uploadRow(u.single.uploadId)).toBeNull();
    expect(await uploadRow(u.multipart.uploadId)).toBeNull();
    expect(await env.BLOBS.head(u.smallKey)).toBeNull();
    await expect(env.BLOBS.resumeMultipartUpload(u.bigKey, u.multipartId).complete([u.part])).rejects.toThrow(
      /does not exist|10024/,
    );
    expect(await env.BLOBS.head(u.bigKey)).toBeNull();
  });

  it("should leave unexpired uploads, and uploads expired less than the grace ago, untouched", async () => {
    const t = await newTeam();
    const u = await startedUploads(t.team, t.writer);
    // Expired, but a URL signed just before expiry may still be in use for up to the presign TTL.
    await expireAt(u.single.uploadId, -10 * 60_000);
    const before = await uploadRow(u.multipart.uploadId);

    await runCleanup();

    expect(await uploadRow(u.single.uploadId)).not.toBeNull();
    expect(await uploadRow(u.multipart.uploadId)).toEqual(before);
    expect(await env.BLOBS.head(u.smallKey)).not.toBeNull();
    // The open multipart upload still completes.
    await env.BLOBS.resumeMultipartUpload(u.bigKey, u.multipartId).complete([u.part]);
    expect(await env.BLOBS.head(u.bigKey)).not.toBeNull();
  });

  it("should delete the row but never the object of a verified blob", async () => {
    const t = await newTeam();
    const a = await content(3000);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const results = await complete(t.team, t.writer, [await upload(asUpload(plan), a.bytes)]);
    expect(results[0]?.status).toBe("verified");
    const blobKey = keyOfUrl(asUpload(plan).url).key;
    // A stale upload row naming the blob's key: it should never exist, and must not cost the bytes.
    const staleId = crypto.randomUUID();
    await env.DB.prepare(
      "INSERT INTO uploads (id, team_id, sha256, size, r2_key, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
      .bind(staleId, await teamId(t.team), a.sha256, a.size, blobKey, Date.now() - 2 * HOUR)
      .run();

    const result = await runCleanup();

    expect(result.keptForBlobs).toBeGreaterThanOrEqual(1);
    expect(await uploadRow(staleId)).toBeNull();
    const stored = await env.BLOBS.get(blobKey);
    expect(stored).not.toBeNull();
    expect(await sha256Hex(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0)))).toBe(
      a.sha256,
    );
  });

  it("should take at most `limit` rows per run, oldest first, and say more may wait", async () => {
    const t = await newTeam();
    const items = await Promise.all([content(10), content(20), content(30)]);
    const plans = await prepare(
      t.team,
      t.writer,
      items.map((c) => ({ sha256: c.sha256, size: c.size })),
    );
    const ids = plans.map((p) => asUpload(p).uploadId);
    await expireAt(ids[0] ?? "", -5 * HOUR);
    await expireAt(ids[1] ?? "", -3 * HOUR);
    await expireAt(ids[2] ?? "", -4 * HOUR);

    expect(await runCleanup(2)).toMatchObject({ deleted: 2, more: true });
    expect(await uploadRow(ids[0] ?? "")).toBeNull();
    expect(await uploadRow(ids[2] ?? "")).toBeNull();
    expect(await uploadRow(ids[1] ?? "")).not.toBeNull();

    expect(await runCleanup(2)).toMatchObject({ deleted: 1, more: false });
    expect(await uploadRow(ids[1] ?? "")).toBeNull();
  });

  it("should keep a row for the next run when R2 refuses to abort its multipart upload", async () => {
    const t = await newTeam();
    const a = await content(16);
    const id = crypto.randomUUID();
    const key = `teams/${await teamId(t.team)}/blobs/${a.sha256.slice(0, 2)}/${a.sha256}/${id}`;
    // The local R2 answers an upload id it cannot parse with an internal error (10001), not 10024.
    await env.DB.prepare(
      "INSERT INTO uploads (id, team_id, sha256, size, r2_key, multipart_upload_id, part_size, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(
        id,
        await teamId(t.team),
        a.sha256,
        a.size,
        key,
        "not-an-upload-id",
        16 * MIB,
        Date.now() - 2 * HOUR,
      )
      .run();
    await env.BLOBS.put(key, a.bytes);

    const result = await runCleanup();

    expect(result).toMatchObject({ failed: 1 });
    expect(await uploadRow(id)).not.toBeNull();
    // Its object stays too, so the next run can try the whole upload again.
    expect(await env.BLOBS.head(key)).not.toBeNull();
    await env.DB.prepare("DELETE FROM uploads WHERE id = ?").bind(id).run();
  });
});

describe("scheduled handler (cron trigger)", () => {
  it("should clean up expired uploads when the cron trigger fires", async () => {
    const t = await newTeam();
    const u = await startedUploads(t.team, t.writer);
    await expireAt(u.single.uploadId, -2 * HOUR);
    await expireAt(u.multipart.uploadId, -2 * HOUR);

    await mainWorker.scheduled({ cron: "17 * * * *" });

    expect(await uploadRow(u.single.uploadId)).toBeNull();
    expect(await uploadRow(u.multipart.uploadId)).toBeNull();
    expect(await env.BLOBS.head(u.smallKey)).toBeNull();
    await expect(env.BLOBS.resumeMultipartUpload(u.bigKey, u.multipartId).complete([u.part])).rejects.toThrow(
      /does not exist|10024/,
    );
  });

  it("should run through the exported handler with a ScheduledController", async () => {
    const t = await newTeam();
    const a = await content(500);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const single = asUpload(plan);
    await env.BLOBS.put(keyOfUrl(single.url).key, a.bytes);
    await expireAt(single.uploadId, -2 * HOUR);

    await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env);

    expect(await uploadRow(single.uploadId)).toBeNull();
    expect(await env.BLOBS.head(keyOfUrl(single.url).key)).toBeNull();
  });
});

describe("POST /api/v1/teams/:team/blobs/prepare", () => {
  it("should give an upload it resumes a full lifetime again", async () => {
    const t = await newTeam();
    const a = await content(100);
    const [first] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    await expireAt(asUpload(first).uploadId, 60_000);

    const [again] = await prepare(t.team, t.writer, [
      { sha256: a.sha256, size: a.size, uploadId: asUpload(first).uploadId },
    ]);

    expect(asUpload(again).uploadId).toBe(asUpload(first).uploadId);
    const row = await uploadRow(asUpload(first).uploadId);
    expect(row?.expires_at).toBeGreaterThan(Date.now() + 23 * HOUR);
  });

  it("should not resume an expired upload, but start a new one", async () => {
    const t = await newTeam();
    const a = await content(100);
    const [first] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    await expireAt(asUpload(first).uploadId, -1000);

    const [again] = await prepare(t.team, t.writer, [
      { sha256: a.sha256, size: a.size, uploadId: asUpload(first).uploadId },
    ]);

    expect(asUpload(again).uploadId).not.toBe(asUpload(first).uploadId);
    expect((await uploadRow(asUpload(first).uploadId))?.expires_at).toBeLessThan(Date.now());
  });
});

describe("POST /api/v1/teams/:team/blobs/complete", () => {
  it("should refuse an expired upload, record no blob, and leave it to the cleanup", async () => {
    const t = await newTeam();
    const a = await content(700);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const done = await upload(asUpload(plan), a.bytes);
    await expireAt(done.uploadId, -2 * HOUR);

    const results = await complete(t.team, t.writer, [done]);

    expect(results).toEqual([
      {
        sha256: a.sha256,
        uploadId: done.uploadId,
        status: "unknown_upload",
        message: `upload '${done.uploadId}' has expired; prepare the blob again`,
      },
    ]);
    const blob = await env.DB.prepare("SELECT 1 FROM blobs WHERE sha256 = ?").bind(a.sha256).first();
    expect(blob).toBeNull();
    await runCleanup();
    expect(await uploadRow(done.uploadId)).toBeNull();
    expect(await env.BLOBS.head(keyOfUrl(asUpload(plan).url).key)).toBeNull();
  });

  it("should keep the object when two completes of the same upload run at once", async () => {
    const t = await newTeam();
    const a = await content(3 * MIB);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const done = await upload(asUpload(plan), a.bytes);

    const [one, two] = await Promise.all([
      complete(t.team, t.writer, [done]),
      complete(t.team, t.writer, [done]),
    ]);

    expect([one[0]?.status, two[0]?.status]).toEqual(["verified", "verified"]);
    const blob = await env.DB.prepare("SELECT r2_key FROM blobs WHERE team_id = ? AND sha256 = ?")
      .bind(await teamId(t.team), a.sha256)
      .first<{ r2_key: string }>();
    expect(blob?.r2_key).toBe(keyOfUrl(asUpload(plan).url).key);
    expect(await env.BLOBS.head(blob?.r2_key ?? "")).not.toBeNull();
  });
});
