import { createHash, randomBytes } from "node:crypto";
import { AwsClient } from "aws4fetch";
import { describe, expect, it } from "vitest";
import type { CompletedBlob, PreparedBlob } from "../../src/shared/api.ts";
import { callApi, type NodeTestTeam, newTeam, server } from "./support/server.ts";

const MIB = 1024 * 1024;

function blob(size: number) {
  const bytes = randomBytes(size);
  return { bytes, size, sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function prepare(t: NodeTestTeam, blobs: { sha256: string; size: number }[], ttlSeconds?: number) {
  const res = await callApi<{ blobs: PreparedBlob[] }>("POST", `/teams/${t.team}/blobs/prepare`, {
    key: t.writer,
    body: { blobs, ...(ttlSeconds ? { ttlSeconds } : {}) },
  });
  return res.blobs;
}

async function complete(
  t: NodeTestTeam,
  upload: { sha256: string; uploadId: string; parts?: { partNumber: number; etag: string }[] },
): Promise<CompletedBlob> {
  const res = await callApi<{ results: CompletedBlob[] }>("POST", `/teams/${t.team}/blobs/complete`, {
    key: t.writer,
    body: { uploads: [upload] },
  });
  const [result] = res.results;
  if (!result) throw new Error("complete answered no result");
  return result;
}

function single(plan: PreparedBlob | undefined) {
  if (plan?.status !== "upload") throw new Error(`expected a single PUT, got ${JSON.stringify(plan)}`);
  return plan;
}

/** A PUT with the headers signed into its URL (a single PUT's `if-none-match: *`). */
function put(url: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "PUT",
    body,
    headers: { ...headers, "content-length": String(body.byteLength) },
  });
}

/** Is there an object at this URL's key? Asked with our own SigV4 HEAD, as an operator would. */
async function exists(presignedUrl: string): Promise<boolean> {
  const url = new URL(presignedUrl);
  const aws = new AwsClient({
    accessKeyId: "cairn-local-access-key",
    secretAccessKey: "cairn-local-secret-key",
    service: "s3",
    region: "auto",
  });
  const res = await aws.fetch(`${url.origin}${url.pathname}`, { method: "HEAD" });
  if (res.status !== 200 && res.status !== 404)
    throw new Error(`HEAD ${url.pathname} answered ${res.status}`);
  return res.status === 200;
}

/** Changes one character of a hex string at `index` to another hex digit. */
function flipHex(value: string, index: number): string {
  const c = value[index] === "0" ? "1" : "0";
  return value.slice(0, index) + c + value.slice(index + 1);
}

describe("presigned uploads against wrangler dev (POST /api/v1/teams/:team/blobs/*)", () => {
  it("should land and verify a presigned single PUT", async () => {
    const t = await newTeam();
    const b = blob(300 * 1024);
    const plan = single((await prepare(t, [{ sha256: b.sha256, size: b.size }]))[0]);
    expect(new URL(plan.url).origin).toBe(server().url);
    const res = await put(plan.url, b.bytes, plan.headers);
    expect(res.status, await res.text()).toBe(200);
    expect(await complete(t, { sha256: b.sha256, uploadId: plan.uploadId })).toMatchObject({
      status: "verified",
    });
    expect(await prepare(t, [{ sha256: b.sha256, size: b.size }])).toMatchObject([{ status: "present" }]);
  });

  it("should land and verify a 40 MiB multipart upload of 3 presigned parts", async () => {
    const t = await newTeam();
    const b = blob(40 * MIB);
    const plan = (await prepare(t, [{ sha256: b.sha256, size: b.size }]))[0];
    if (plan?.status !== "multipart") throw new Error(`expected multipart, got ${plan?.status}`);
    expect(plan).toMatchObject({ partSize: 16 * MIB, partCount: 3 });
    const parts = [];
    for (const part of plan.parts) {
      const body = b.bytes.subarray((part.partNumber - 1) * plan.partSize, part.partNumber * plan.partSize);
      const res = await put(part.url, body);
      expect(res.status, await res.text()).toBe(200);
      const etag = res.headers.get("etag");
      expect(etag).toBeTruthy();
      parts.push({ partNumber: part.partNumber, etag: etag ?? "" });
    }
    const done = await complete(t, { sha256: b.sha256, uploadId: plan.uploadId, parts });
    expect(done).toMatchObject({
      status: "verified",
    });
  });

  it("should refuse a tampered signature or key with 403 and store nothing", async () => {
    const t = await newTeam();
    const b = blob(1000);
    const plan = single((await prepare(t, [{ sha256: b.sha256, size: b.size }]))[0]);
    const url = new URL(plan.url);

    const badSignature = new URL(url);
    badSignature.searchParams.set(
      "X-Amz-Signature",
      flipHex(url.searchParams.get("X-Amz-Signature") ?? "", 10),
    );
    expect((await put(badSignature.toString(), b.bytes, plan.headers)).status).toBe(403);

    const badKey = new URL(url);
    badKey.pathname = flipHex(url.pathname, url.pathname.length - 1);
    expect(badKey.pathname).not.toBe(url.pathname);
    expect((await put(badKey.toString(), b.bytes, plan.headers)).status).toBe(403);

    expect(await exists(plan.url)).toBe(false);
    expect(await exists(badKey.toString())).toBe(false);
    expect(await complete(t, { sha256: b.sha256, uploadId: plan.uploadId })).toMatchObject({
      status: "not_uploaded",
    });
  });

  it("should refuse a part URL turned into another part number", async () => {
    const t = await newTeam();
    const b = blob(20 * MIB);
    const plan = (await prepare(t, [{ sha256: b.sha256, size: b.size }]))[0];
    if (plan?.status !== "multipart") throw new Error(`expected multipart, got ${plan?.status}`);
    const url = new URL(plan.parts[0]?.url ?? "");
    url.searchParams.set("partNumber", "2");
    expect((await put(url.toString(), b.bytes.subarray(0, 1024))).status).toBe(403);
  });

  it("should refuse an expired URL", async () => {
    const t = await newTeam();
    const b = blob(100);
    const plan = single((await prepare(t, [{ sha256: b.sha256, size: b.size }], 1))[0]);
    expect(new URL(plan.url).searchParams.get("X-Amz-Expires")).toBe("1");
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await put(plan.url, b.bytes, plan.headers)).status).toBe(403);
    expect(await exists(plan.url)).toBe(false);
    expect(await complete(t, { sha256: b.sha256, uploadId: plan.uploadId })).toMatchObject({
      status: "not_uploaded",
    });
  });

  it("should refuse a URL used for another key", async () => {
    const t = await newTeam();
    const a = blob(100);
    const b = blob(200);
    const [planA, planB] = (
      await prepare(
        t,
        [a, b].map(({ sha256, size }) => ({ sha256, size })),
      )
    ).map(single);
    if (!planA || !planB) throw new Error("two plans expected");
    const swapped = new URL(planA.url);
    swapped.pathname = new URL(planB.url).pathname;
    expect((await put(swapped.toString(), b.bytes, planA.headers)).status).toBe(403);
    expect(await exists(planB.url)).toBe(false);
    expect(await complete(t, { sha256: b.sha256, uploadId: planB.uploadId })).toMatchObject({
      status: "not_uploaded",
    });
  });
});
