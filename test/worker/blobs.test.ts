import { describe, expect, it } from "vitest";
import { DEFAULT_PART_SIZE, MAX_PARTS, type PreparedBlob } from "../../src/shared/api.ts";
import { MAX_BLOB_SIZE } from "../../src/shared/names.ts";
import {
  complete,
  content,
  keyOfUrl,
  prepare,
  sha256Hex,
  teamId,
  upload,
  uploadRowCount,
} from "./blob-helpers.ts";
import { api, call, env, newTeam } from "./helpers.ts";

const MIB = 1024 * 1024;
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function asMultipart(plan: PreparedBlob | undefined) {
  if (plan?.status !== "multipart") throw new Error(`expected a multipart plan, got ${JSON.stringify(plan)}`);
  return plan;
}

function asUpload(plan: PreparedBlob | undefined) {
  if (plan?.status !== "upload") throw new Error(`expected a single upload, got ${JSON.stringify(plan)}`);
  return plan;
}

describe("POST /api/v1/teams/:team/blobs/prepare", () => {
  it("should answer present for verified blobs and an upload for the others, in request order", async () => {
    const t = await newTeam();
    const a = await content(1000);
    const b = await content(2000);
    const first = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    expect(await complete(t.team, t.writer, [await upload(asUpload(first[0]), a.bytes)])).toMatchObject([
      { status: "verified" },
    ]);

    const plans = await prepare(t.team, t.writer, [
      { sha256: b.sha256, size: b.size },
      { sha256: a.sha256, size: a.size },
    ]);
    expect(plans[1]).toEqual({ sha256: a.sha256, size: a.size, status: "present" });
    const single = asUpload(plans[0]);
    expect(single).toMatchObject({ sha256: b.sha256, size: b.size, uploadId: expect.any(String) });
    const { key, query } = keyOfUrl(single.url);
    const id = await teamId(t.team);
    expect(key).toBe(`teams/${id}/blobs/${b.sha256.slice(0, 2)}/${b.sha256}/${single.uploadId}`);
    expect(query.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(single.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("should plan 40 MiB as 3 parts of 16/16/8 MiB with signed part numbers", async () => {
    const t = await newTeam();
    const sha256 = "4".repeat(64);
    const plan = asMultipart((await prepare(t.team, t.writer, [{ sha256, size: 40 * MIB }]))[0]);
    expect(plan).toMatchObject({ partSize: 16 * MIB, partCount: 3 });
    expect(plan.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    const keys = plan.parts.map((p) => keyOfUrl(p.url));
    expect(new Set(keys.map((k) => k.key)).size).toBe(1);
    expect(keys.map((k) => k.query.get("partNumber"))).toEqual(["1", "2", "3"]);
    expect(keys[0]?.query.get("uploadId")).toBeTruthy();
    expect(keys[0]?.query.get("X-Amz-SignedHeaders")).toBe("host");
  });

  it("should use one PUT below 8 MiB, multipart from 8 MiB, and a PUT for a zero-byte blob", async () => {
    const t = await newTeam();
    const plans = await prepare(t.team, t.writer, [
      { sha256: "1".repeat(64), size: 8 * MIB - 1 },
      { sha256: "2".repeat(64), size: 8 * MIB },
      { sha256: EMPTY_SHA256, size: 0 },
    ]);
    expect(plans.map((p) => p.status)).toEqual(["upload", "multipart", "upload"]);
    expect(asMultipart(plans[1])).toMatchObject({ partSize: DEFAULT_PART_SIZE, partCount: 1 });

    const empty = await complete(t.team, t.writer, [await upload(asUpload(plans[2]), new Uint8Array(0))]);
    expect(empty).toEqual([
      { sha256: EMPTY_SHA256, uploadId: asUpload(plans[2]).uploadId, status: "verified" },
    ]);
  });

  it("should plan 5 TiB in at most 10,000 equal MiB-aligned parts and sign the rest on demand", async () => {
    const t = await newTeam();
    const size = MAX_BLOB_SIZE;
    const plan = asMultipart((await prepare(t.team, t.writer, [{ sha256: "5".repeat(64), size }]))[0]);
    expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize % MIB).toBe(0);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(size);
    expect(plan.partSize * (plan.partCount - 1)).toBeLessThan(size);
    expect(plan).toMatchObject({ partSize: 525 * MIB, partCount: 9987 });
    expect(plan.parts).toHaveLength(1000);

    const more = await call("POST", `/teams/${t.team}/blobs/part-urls`, {
      key: t.writer,
      body: { uploadId: plan.uploadId, partNumbers: [1001, 9987] },
    });
    expect(more.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1001, 9987]);
    expect(keyOfUrl(more.parts[1].url).query.get("partNumber")).toBe("9987");
    expect(keyOfUrl(more.parts[1].url).key).toBe(keyOfUrl(plan.parts[0]?.url ?? "").key);

    const beyond = await call("POST", `/teams/${t.team}/blobs/part-urls`, {
      key: t.writer,
      body: { uploadId: plan.uploadId, partNumbers: [9988] },
      status: 400,
    });
    expect(beyond).toMatchObject({
      error: { code: "validation_failed", message: expect.stringContaining("9988") },
    });
  });

  it("should resume an open upload when its uploadId is named: same uploadId, key and multipart upload", async () => {
    const t = await newTeam();
    const small = { sha256: "6".repeat(64), size: 10 };
    const big = { sha256: "7".repeat(64), size: 20 * MIB };
    const [s1, b1] = await prepare(t.team, t.writer, [small, big]);
    const [s2, b2] = await prepare(t.team, t.writer, [
      { ...small, uploadId: asUpload(s1).uploadId },
      { ...big, uploadId: asMultipart(b1).uploadId },
    ]);
    expect(asUpload(s2).uploadId).toBe(asUpload(s1).uploadId);
    expect(keyOfUrl(asUpload(s2).url).key).toBe(keyOfUrl(asUpload(s1).url).key);
    const m1 = keyOfUrl(asMultipart(b1).parts[0]?.url ?? "");
    const m2 = keyOfUrl(asMultipart(b2).parts[0]?.url ?? "");
    expect(asMultipart(b2).uploadId).toBe(asMultipart(b1).uploadId);
    expect(m2.key).toBe(m1.key);
    expect(m2.query.get("uploadId")).toBe(m1.query.get("uploadId"));
    expect(await uploadRowCount(t.team)).toBe(2);
  });

  it("should give each prepare without an uploadId its own upload and key, never another client's", async () => {
    const t = await newTeam();
    const small = { sha256: "6".repeat(64), size: 10 };
    const big = { sha256: "7".repeat(64), size: 20 * MIB };
    const [s1, b1] = await prepare(t.team, t.writer, [small, big]);
    const [s2, b2] = await prepare(t.team, t.writer, [small, big]);
    expect(asUpload(s2).uploadId).not.toBe(asUpload(s1).uploadId);
    expect(keyOfUrl(asUpload(s2).url).key).not.toBe(keyOfUrl(asUpload(s1).url).key);
    const m1 = keyOfUrl(asMultipart(b1).parts[0]?.url ?? "");
    const m2 = keyOfUrl(asMultipart(b2).parts[0]?.url ?? "");
    expect(asMultipart(b2).uploadId).not.toBe(asMultipart(b1).uploadId);
    expect(m2.key).not.toBe(m1.key);
    expect(m2.query.get("uploadId")).not.toBe(m1.query.get("uploadId"));
    expect(await uploadRowCount(t.team)).toBe(4);
  });

  it("should start a fresh upload when the named uploadId is unknown, of other content, or of another team", async () => {
    const t = await newTeam();
    const other = await newTeam();
    const blob = { sha256: "5".repeat(64), size: 10 };
    const [own] = await prepare(t.team, t.writer, [blob]);
    const [otherSha] = await prepare(t.team, t.writer, [{ sha256: "4".repeat(64), size: 10 }]);
    const [otherSize] = await prepare(t.team, t.writer, [{ sha256: blob.sha256, size: 11 }]);
    const [otherTeam] = await prepare(other.team, other.writer, [blob]);
    const named = [
      "no-such-upload",
      asUpload(otherSha).uploadId,
      asUpload(otherSize).uploadId,
      asUpload(otherTeam).uploadId,
    ];
    const taken = new Set([asUpload(own).uploadId, ...named]);
    for (const uploadId of named) {
      const [plan] = await prepare(t.team, t.writer, [{ ...blob, uploadId }]);
      expect(taken.has(asUpload(plan).uploadId)).toBe(false);
      expect(keyOfUrl(asUpload(plan).url).key).toContain(await teamId(t.team));
      taken.add(asUpload(plan).uploadId);
    }
  });

  it("should honour a shorter ttlSeconds and never exceed the server's", async () => {
    const t = await newTeam();
    const [short] = await prepare(t.team, t.writer, [{ sha256: "8".repeat(64), size: 1 }], { ttlSeconds: 5 });
    expect(keyOfUrl(asUpload(short).url).query.get("X-Amz-Expires")).toBe("5");
    const [long] = await prepare(t.team, t.writer, [{ sha256: "8".repeat(64), size: 1 }], {
      ttlSeconds: 86400,
    });
    expect(keyOfUrl(asUpload(long).url).query.get("X-Amz-Expires")).toBe(env.PRESIGN_TTL_SECONDS);
  });

  it("should refuse a size that differs from the verified blob's, naming the sha, and create nothing", async () => {
    const t = await newTeam();
    const a = await content(100);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    await complete(t.team, t.writer, [await upload(asUpload(plan), a.bytes)]);
    const res = await call("POST", `/teams/${t.team}/blobs/prepare`, {
      key: t.writer,
      body: {
        blobs: [
          { sha256: "9".repeat(64), size: 5 },
          { sha256: a.sha256, size: 101 },
        ],
      },
      status: 400,
    });
    expect(res).toMatchObject({
      error: {
        code: "validation_failed",
        message: expect.stringContaining(a.sha256),
        details: { sha256: a.sha256, size: 101, storedSize: 100 },
        requestId: expect.any(String),
      },
    });
    expect(await uploadRowCount(t.team)).toBe(0);
  });

  it("should refuse the same sha listed with two sizes", async () => {
    const t = await newTeam();
    const res = await call("POST", `/teams/${t.team}/blobs/prepare`, {
      key: t.writer,
      body: {
        blobs: [
          { sha256: "a".repeat(64), size: 5 },
          { sha256: "a".repeat(64), size: 6 },
        ],
      },
      status: 400,
    });
    expect(res).toMatchObject({
      error: { code: "validation_failed", message: expect.stringContaining("a".repeat(64)) },
    });
  });

  it("should reject bad digests, sizes, counts and types with validation_failed", async () => {
    const t = await newTeam();
    const good = "b".repeat(64);
    const bad: unknown[] = [
      { blobs: [{ sha256: "B".repeat(64), size: 1 }] },
      { blobs: [{ sha256: "b".repeat(63), size: 1 }] },
      { blobs: [{ sha256: good, size: -1 }] },
      { blobs: [{ sha256: good, size: 1.5 }] },
      { blobs: [{ sha256: good, size: MAX_BLOB_SIZE + 1 }] },
      { blobs: [{ sha256: good, size: "1" }] },
      {
        blobs: Array.from({ length: 1001 }, (_, i) => ({
          sha256: i.toString(16).padStart(64, "0"),
          size: 1,
        })),
      },
      { blobs: [] },
      { blobs: "nope" },
      {},
      { blobs: [{ sha256: good, size: 1 }], ttlSeconds: 0 },
      { blobs: [{ sha256: good, size: 1 }], ttlSeconds: 86401 },
    ];
    for (const body of bad) {
      const res = await call("POST", `/teams/${t.team}/blobs/prepare`, { key: t.writer, body, status: 400 });
      expect(res, JSON.stringify(body).slice(0, 100)).toMatchObject({
        error: { code: "validation_failed", message: expect.any(String), requestId: expect.any(String) },
      });
    }
    expect(await uploadRowCount(t.team)).toBe(0);
  });

  it("should need a writer key and a key of this team", async () => {
    const t = await newTeam();
    const other = await newTeam();
    const body = { blobs: [{ sha256: "c".repeat(64), size: 1 }] };
    expect(
      await call("POST", `/teams/${t.team}/blobs/prepare`, { key: t.reader, body, status: 403 }),
    ).toMatchObject({
      error: { code: "forbidden" },
    });
    expect(await call("POST", `/teams/${t.team}/blobs/prepare`, { body, status: 401 })).toMatchObject({
      error: { code: "unauthorized" },
    });
    expect(
      await call("POST", `/teams/${t.team}/blobs/prepare`, { key: other.writer, body, status: 404 }),
    ).toMatchObject({ error: { code: "not_found" } });
    for (const route of ["complete", "part-urls"]) {
      const res = await api("POST", `/teams/${t.team}/blobs/${route}`, { key: t.reader, body: {} });
      expect(res.status).toBe(403);
    }
    expect(await uploadRowCount(t.team)).toBe(0);
  });
});

describe("POST /api/v1/teams/:team/blobs/complete", () => {
  it("should verify an honest single upload, then say present, and stay idempotent", async () => {
    const t = await newTeam();
    const a = await content(64 * 1024 + 3);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const done = await upload(asUpload(plan), a.bytes);
    expect(await complete(t.team, t.writer, [done])).toEqual([
      { sha256: a.sha256, uploadId: done.uploadId, status: "verified" },
    ]);
    expect(await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }])).toEqual([
      { sha256: a.sha256, size: a.size, status: "present" },
    ]);
    expect(await complete(t.team, t.writer, [done])).toMatchObject([{ status: "verified" }]);
    expect(await env.BLOBS.head(keyOfUrl(asUpload(plan).url).key)).not.toBeNull();
    expect(await uploadRowCount(t.team)).toBe(0);
  });

  it("should complete and verify an honest 40 MiB multipart upload", async () => {
    const t = await newTeam();
    const a = await content(40 * MIB);
    const plan = asMultipart((await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]))[0]);
    const done = await upload(plan, a.bytes);
    expect(done.parts).toHaveLength(3);
    // Clients may pass the S3 API's quoted ETag header as is.
    const quoted = done.parts?.map((p) => ({ partNumber: p.partNumber, etag: `"${p.etag}"` }));
    expect(await complete(t.team, t.writer, [{ ...done, parts: quoted }])).toMatchObject([
      { status: "verified" },
    ]);
    const stored = await env.BLOBS.head(keyOfUrl(plan.parts[0]?.url ?? "").key);
    expect(stored?.size).toBe(40 * MIB);
    expect(await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }])).toMatchObject([
      { status: "present" },
    ]);
  });

  it("should answer incomplete for a multipart upload without parts or with bad ETags", async () => {
    const t = await newTeam();
    const a = await content(9 * MIB);
    const plan = asMultipart((await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]))[0]);
    expect(await complete(t.team, t.writer, [{ sha256: a.sha256, uploadId: plan.uploadId }])).toMatchObject([
      { status: "incomplete", message: expect.stringContaining("parts") },
    ]);
    const wrong = await complete(t.team, t.writer, [
      { sha256: a.sha256, uploadId: plan.uploadId, parts: [{ partNumber: 1, etag: "nope" }] },
    ]);
    expect(wrong).toMatchObject([{ status: "incomplete", message: expect.any(String) }]);
    // The upload survives: sending the real part then completing works.
    const done = await upload(plan, a.bytes);
    expect(await complete(t.team, t.writer, [done])).toMatchObject([{ status: "verified" }]);
  });

  it("should delete lying bytes (wrong digest), keep the blob absent, then accept an honest upload", async () => {
    const t = await newTeam();
    const honest = await content(5000);
    const lie = await content(5000);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: honest.sha256, size: honest.size }]);
    const key = keyOfUrl(asUpload(plan).url).key;
    const done = await upload(asUpload(plan), lie.bytes);
    const [result] = await complete(t.team, t.writer, [done]);
    expect(result).toMatchObject({ status: "digest_mismatch", message: expect.stringContaining(lie.sha256) });
    expect(await env.BLOBS.get(key)).toBeNull();
    expect(await uploadRowCount(t.team)).toBe(0);

    const [again] = await prepare(t.team, t.writer, [{ sha256: honest.sha256, size: honest.size }]);
    expect(asUpload(again).uploadId).not.toBe(done.uploadId);
    expect(await complete(t.team, t.writer, [await upload(asUpload(again), honest.bytes)])).toMatchObject([
      { status: "verified" },
    ]);
    const stored = await env.BLOBS.get(keyOfUrl(asUpload(again).url).key);
    expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(honest.bytes);
  });

  it("should refuse a multipart object whose last bytes differ, delete it and keep the blob absent", async () => {
    const t = await newTeam();
    // Beyond 32 MiB and 3 parts, so a read in pieces (ranges, parts) would have to reach the very end.
    const a = await content(33 * MIB);
    const plan = asMultipart((await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]))[0]);
    const late = a.bytes.slice();
    late[late.length - 1] = (late[late.length - 1] ?? 0) ^ 0xff;
    const lateSha256 = await sha256Hex(late);
    const done = await upload(plan, late);
    expect(done.parts).toHaveLength(3);
    expect(await complete(t.team, t.writer, [done])).toMatchObject([
      { status: "digest_mismatch", message: expect.stringContaining(lateSha256) },
    ]);
    expect(await env.BLOBS.head(keyOfUrl(plan.parts[0]?.url ?? "").key)).toBeNull();
    expect(await uploadRowCount(t.team)).toBe(0);
    expect(await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }])).toMatchObject([
      { status: "multipart" },
    ]);
  });

  it("should refuse a multipart object whose parts were sent in the wrong order", async () => {
    const t = await newTeam();
    const a = await content(33 * MIB);
    const plan = asMultipart((await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]))[0]);
    // Parts 1 and 2 swapped: same size, same bytes, only their order differs from the declared content.
    const first = a.bytes.subarray(0, plan.partSize);
    const second = a.bytes.subarray(plan.partSize, 2 * plan.partSize);
    const swapped = new Uint8Array(a.size);
    swapped.set(second, 0);
    swapped.set(first, plan.partSize);
    swapped.set(a.bytes.subarray(2 * plan.partSize), 2 * plan.partSize);
    const swappedSha256 = await sha256Hex(swapped);
    expect(swappedSha256).not.toBe(a.sha256);
    const done = await upload(plan, swapped);
    expect(await complete(t.team, t.writer, [done])).toMatchObject([
      { status: "digest_mismatch", message: expect.stringContaining(swappedSha256) },
    ]);
    expect(await env.BLOBS.head(keyOfUrl(plan.parts[0]?.url ?? "").key)).toBeNull();
    expect(await uploadRowCount(t.team)).toBe(0);
  });

  it("should delete bytes of the wrong size and say so", async () => {
    const t = await newTeam();
    const a = await content(300);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: 299 }]);
    const key = keyOfUrl(asUpload(plan).url).key;
    const [result] = await complete(t.team, t.writer, [await upload(asUpload(plan), a.bytes)]);
    expect(result).toMatchObject({
      status: "digest_mismatch",
      message: expect.stringContaining("300 bytes"),
    });
    expect(await env.BLOBS.get(key)).toBeNull();
    expect(await prepare(t.team, t.writer, [{ sha256: a.sha256, size: 299 }])).toMatchObject([
      { status: "upload" },
    ]);
  });

  it("should answer not_uploaded when nothing was sent, and keep the upload for a retry", async () => {
    const t = await newTeam();
    const a = await content(10);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const uploadId = asUpload(plan).uploadId;
    expect(await complete(t.team, t.writer, [{ sha256: a.sha256, uploadId }])).toMatchObject([
      { status: "not_uploaded", message: expect.any(String) },
    ]);
    expect(await complete(t.team, t.writer, [await upload(asUpload(plan), a.bytes)])).toMatchObject([
      { status: "verified" },
    ]);
  });

  it("should never cross teams: another team's uploadId is unknown and its blobs are not present", async () => {
    const a = await newTeam();
    const b = await newTeam();
    const x = await content(700);
    const [planA] = await prepare(a.team, a.writer, [{ sha256: x.sha256, size: x.size }]);
    const doneA = await upload(asUpload(planA), x.bytes);

    expect(await complete(b.team, b.writer, [doneA])).toMatchObject([
      { sha256: x.sha256, uploadId: doneA.uploadId, status: "unknown_upload" },
    ]);
    expect(await complete(a.team, a.writer, [doneA])).toMatchObject([{ status: "verified" }]);
    const [planB] = await prepare(b.team, b.writer, [{ sha256: x.sha256, size: x.size }]);
    expect(planB?.status).toBe("upload");
    expect(keyOfUrl(asUpload(planB).url).key).toContain(await teamId(b.team));
    const partUrls = await call("POST", `/teams/${b.team}/blobs/part-urls`, {
      key: b.writer,
      body: { uploadId: doneA.uploadId, partNumbers: [1] },
      status: 404,
    });
    expect(partUrls).toMatchObject({ error: { code: "not_found" } });
  });

  it("should answer unknown_upload for an uploadId of another blob", async () => {
    const t = await newTeam();
    const a = await content(10);
    const [plan] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    expect(
      await complete(t.team, t.writer, [{ sha256: "d".repeat(64), uploadId: asUpload(plan).uploadId }]),
    ).toMatchObject([{ status: "unknown_upload" }]);
  });

  it("should keep one object when two uploads of the same content complete in one request", async () => {
    const t = await newTeam();
    const a = await content(4096);
    // Two clients that prepared before either verified: each has its own upload and key.
    const [first] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const [second] = await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]);
    const done = await Promise.all([upload(asUpload(first), a.bytes), upload(asUpload(second), a.bytes)]);
    const results = await complete(t.team, t.writer, done);
    expect(results.map((r) => r.status)).toEqual(["verified", "verified"]);
    await expectOneStoredObject(t.team, a.sha256);
    expect(await uploadRowCount(t.team)).toBe(0);
  });

  it("should verify both of two concurrent multipart uploads of one new blob and keep exactly one object", async () => {
    const t = await newTeam();
    const a = await content(9 * MIB);
    const plans = await Promise.all([
      prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]),
      prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }]),
    ]);
    const [p1, p2] = plans.map(([plan]) => asMultipart(plan));
    expect(p2?.uploadId).not.toBe(p1?.uploadId);
    // Both clients send all their parts before either completes: the bug was that they shared one upload.
    const done = await Promise.all(plans.map(([plan]) => upload(asMultipart(plan), a.bytes)));
    const results = await Promise.all(done.map((d) => complete(t.team, t.writer, [d])));
    expect(results.flat().map((r) => r.status)).toEqual(["verified", "verified"]);
    await expectOneStoredObject(t.team, a.sha256);
    expect(await uploadRowCount(t.team)).toBe(0);
    expect(await prepare(t.team, t.writer, [{ sha256: a.sha256, size: a.size }])).toMatchObject([
      { status: "present" },
    ]);
  });

  it("should reject more than 100 uploads and malformed items", async () => {
    const t = await newTeam();
    const item = { sha256: "e".repeat(64), uploadId: "u" };
    for (const body of [
      { uploads: Array.from({ length: 101 }, () => item) },
      { uploads: [{ ...item, sha256: "E".repeat(64) }] },
      { uploads: [{ ...item, parts: [{ partNumber: 0, etag: "x" }] }] },
      { uploads: [] },
    ]) {
      expect(
        await call("POST", `/teams/${t.team}/blobs/complete`, { key: t.writer, body, status: 400 }),
      ).toMatchObject({ error: { code: "validation_failed" } });
    }
  });
});

/** Exactly one object under the blob's prefix, holding its bytes, and the blob row names it. */
async function expectOneStoredObject(team: string, sha256: string): Promise<void> {
  const id = await teamId(team);
  const listed = await env.BLOBS.list({ prefix: `teams/${id}/blobs/${sha256.slice(0, 2)}/${sha256}/` });
  expect(listed.objects).toHaveLength(1);
  const row = await env.DB.prepare("SELECT r2_key FROM blobs WHERE team_id = ? AND sha256 = ?")
    .bind(id, sha256)
    .first<{ r2_key: string }>();
  expect(row?.r2_key).toBe(listed.objects[0]?.key);
}
