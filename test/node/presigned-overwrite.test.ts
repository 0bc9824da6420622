/**
 * @module Invariant 4 after verification, against real `wrangler dev` and its local S3 endpoint: a verified
 * object cannot be rewritten through its uploader's presigned PUT (signed if-none-match: *), and one
 * rewritten anyway (by an operator) is refused by the presigned GET (signed if-match: 412) and by the SDK.
 */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { AwsClient } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { Api, Artifact } from "../../src/sdk/index.ts";
import type { CompletedBlob, PreparedBlob } from "../../src/shared/api.ts";
import { cairnEnv, writeTree } from "./support/cairn-env.ts";
import { callApi, newTeam } from "./support/server.ts";

const operator = new AwsClient({
  accessKeyId: "cairn-local-access-key",
  secretAccessKey: "cairn-local-secret-key",
  service: "s3",
  region: "auto",
});

/** The object a presigned URL names, as an operator with the bucket's own credentials reaches it. */
function objectUrl(presignedUrl: string): string {
  const url = new URL(presignedUrl);
  return `${url.origin}${url.pathname}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("presigned URLs after verification (POST /api/v1/teams/:team/blobs/*, download-urls)", () => {
  it("should refuse the uploader's PUT URL once the object exists (412), and a PUT without its header (403)", async () => {
    const t = await newTeam("ow");
    const bytes = randomBytes(10_000);
    const { blobs } = await callApi<{ blobs: PreparedBlob[] }>("POST", `/teams/${t.team}/blobs/prepare`, {
      key: t.writer,
      body: { blobs: [{ sha256: sha256(bytes), size: bytes.length }] },
    });
    const plan = blobs[0];
    if (plan?.status !== "upload") throw new Error(`expected a single PUT, got ${JSON.stringify(plan)}`);
    expect(plan.headers).toEqual({ "if-none-match": "*" });
    const put = (body: Uint8Array, headers: Record<string, string>) =>
      fetch(plan.url, {
        method: "PUT",
        body,
        headers: { ...headers, "content-length": String(body.length) },
      });

    expect((await put(bytes, plan.headers ?? {})).status).toBe(200);
    const { results } = await callApi<{ results: CompletedBlob[] }>(
      "POST",
      `/teams/${t.team}/blobs/complete`,
      {
        key: t.writer,
        body: { uploads: [{ sha256: plan.sha256, uploadId: plan.uploadId }] },
      },
    );
    expect(results).toMatchObject([{ status: "verified" }]);

    const other = randomBytes(10_000);
    const again = await put(other, plan.headers ?? {});
    expect(again.status).toBe(412);
    expect(await again.text()).toContain("PreconditionFailed");
    expect((await put(other, {})).status).toBe(403);
    const stored = await operator.fetch(objectUrl(plan.url));
    expect(sha256(new Uint8Array(await stored.arrayBuffer()))).toBe(plan.sha256);
  });

  it("should answer 412 to the presigned GET of an object rewritten after verification, and the SDK refuses it", async () => {
    const { dir, env, team } = await cairnEnv();
    writeTree(path.join(dir, "ds"), { "a.bin": 20_000 });
    const api = new Api({ env });
    await api.logArtifact(new Artifact({ name: "ow", type: "dataset" }).addDir(path.join(dir, "ds")));

    const { files } = await callApi<{
      files: { url: string; sha256: string; headers: Record<string, string> }[];
    }>("POST", `/teams/${team.team}/projects/p/artifacts/ow/versions/v0/download-urls`, {
      key: team.reader,
      body: { paths: ["a.bin"] },
    });
    const item = files[0];
    if (!item) throw new Error("no download URL");
    expect(Object.keys(item.headers)).toEqual(["if-match"]);
    const first = await fetch(item.url, { headers: item.headers });
    expect(first.status).toBe(200);
    expect(sha256(new Uint8Array(await first.arrayBuffer()))).toBe(item.sha256);
    // The signed header is part of the URL: leaving it out is a signature mismatch.
    const bare = await fetch(item.url);
    expect(bare.status).toBe(403);
    await bare.body?.cancel();

    // What a still-valid uploader URL could have done before URLs were create-only: same size, other bytes.
    const rewrite = await operator.fetch(objectUrl(item.url), { method: "PUT", body: randomBytes(20_000) });
    expect(rewrite.status).toBe(200);

    const after = await fetch(item.url, { headers: item.headers });
    expect(after.status).toBe(412);
    expect(await after.text()).toContain("PreconditionFailed");

    const version = await api.artifact("ow:v0");
    await expect(version.download({ root: path.join(dir, "out") })).rejects.toMatchObject({
      code: "digest_mismatch",
      status: 412,
    });
  });
});
