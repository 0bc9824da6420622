/** @module Test helpers for blobs: content with its digest, and a client's upload simulated against the real R2 binding. */
import type { PreparedBlob } from "../../src/shared/api.ts";
import { call, env } from "./helpers.ts";

export interface Content {
  bytes: Uint8Array;
  sha256: string;
  size: number;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `size` bytes of a pattern that differs per `seed`, so every test has content no other test has. */
export async function content(size: number, seed = Math.random()): Promise<Content> {
  const bytes = new Uint8Array(size);
  const start = Math.floor(seed * 251);
  for (let i = 0; i < size; i++) bytes[i] = (start + i * 7 + (i >> 10)) & 0xff;
  if (size >= 8) new DataView(bytes.buffer).setFloat64(0, seed);
  return { bytes, sha256: await sha256Hex(bytes), size };
}

/** The R2 key a presigned URL names (the path after the bucket), and its query. */
export function keyOfUrl(url: string): { key: string; query: URLSearchParams } {
  const parsed = new URL(url);
  const prefix = `/cdn-cgi/local/r2/s3/${env.R2_BUCKET_NAME}/`;
  if (!parsed.pathname.startsWith(prefix)) throw new Error(`unexpected presigned URL ${url}`);
  const key = parsed.pathname.slice(prefix.length).split("/").map(decodeURIComponent).join("/");
  return { key, query: parsed.searchParams };
}

export async function prepare(
  team: string,
  key: string,
  blobs: { sha256: string; size: number; uploadId?: string }[],
  extra: Record<string, unknown> = {},
): Promise<PreparedBlob[]> {
  const res = await call<{ blobs: PreparedBlob[] }>("POST", `/teams/${team}/blobs/prepare`, {
    key,
    body: { blobs, ...extra },
  });
  return res.blobs;
}

/** What a client does with a prepare answer: PUT the bytes (here straight into R2 at the URL's key). */
export async function upload(
  plan: PreparedBlob,
  bytes: Uint8Array,
): Promise<{ sha256: string; uploadId: string; parts?: { partNumber: number; etag: string }[] }> {
  if (plan.status === "upload") {
    await env.BLOBS.put(keyOfUrl(plan.url).key, bytes);
    return { sha256: plan.sha256, uploadId: plan.uploadId };
  }
  if (plan.status === "multipart") {
    const first = plan.parts[0];
    if (!first) throw new Error("multipart plan without part URLs");
    const { key, query } = keyOfUrl(first.url);
    const multipart = env.BLOBS.resumeMultipartUpload(key, query.get("uploadId") ?? "");
    const parts = [];
    for (let n = 1; n <= plan.partCount; n++) {
      const chunk = bytes.subarray((n - 1) * plan.partSize, n * plan.partSize);
      const part = await multipart.uploadPart(n, chunk);
      parts.push({ partNumber: part.partNumber, etag: part.etag });
    }
    return { sha256: plan.sha256, uploadId: plan.uploadId, parts };
  }
  throw new Error(`nothing to upload for a blob that is ${plan.status}`);
}

export async function complete(
  team: string,
  key: string,
  uploads: { sha256: string; uploadId: string; parts?: { partNumber: number; etag: string }[] }[],
) {
  const res = await call<{
    results: { sha256: string; uploadId: string; status: string; message?: string }[];
  }>("POST", `/teams/${team}/blobs/complete`, { key, body: { uploads } });
  return res.results;
}

export async function teamId(team: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM teams WHERE name = ?").bind(team).first<{ id: string }>();
  if (!row) throw new Error(`no team ${team}`);
  return row.id;
}

export async function uploadRowCount(team: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM uploads WHERE team_id = ?")
    .bind(await teamId(team))
    .first<{ n: number }>();
  return row?.n ?? 0;
}
