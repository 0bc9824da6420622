/**
 * @module The local stack's own transfer limit: the same bytes PUT and GET through presigned R2 URLs handed
 * out by the server's blob routes, with no Cairn logic around them (no hashing, no complete, no verification).
 * Uploads use fake digests (never the data's real sha256), so they never touch the blobs the workloads log;
 * they are left incomplete, as an abandoned upload would be.
 */
import { createReadStream, createWriteStream, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PreparedBlob as Prepared } from "../../src/shared/api.ts";
import { fakeDigest } from "../lib/data.ts";
import { type BenchServer, callJson } from "../lib/http.ts";
import { mapLimit, mbPerSecond, round, timed } from "../lib/timing.ts";

export interface TransferLimit {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  concurrency: number;
  detail: string;
}

export interface ObjectRateLimit {
  objects: number;
  bytes: number;
  seconds: number;
  objectsPerSecond: number;
  concurrency: number;
  detail: string;
}

async function prepare(server: BenchServer, blobs: { sha256: string; size: number }[]): Promise<Prepared[]> {
  const answer = await callJson<{ blobs: Prepared[] }>(
    server,
    "POST",
    `/teams/${server.team}/blobs/prepare`,
    {
      blobs,
    },
  );
  return answer.blobs;
}

async function putOrThrow(
  url: string,
  body: BodyInit,
  length: number,
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await fetch(url, {
    method: "PUT",
    body,
    // The headers signed into the URL (a single PUT's if-none-match: *) must be sent.
    headers: { ...headers, "content-length": String(length) },
    duplex: "half",
  } as RequestInit);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`raw PUT answered ${response.status}`);
}

/** One large file as a multipart upload: the plan the server gives for its size, parts PUT `concurrency` at a time. */
export async function rawMultipartPut(
  server: BenchServer,
  file: string,
  size: number,
  concurrency: number,
  label: string,
): Promise<TransferLimit> {
  const [plan] = await prepare(server, [{ sha256: fakeDigest(`${label}:${Date.now()}`), size }]);
  if (plan?.status !== "multipart")
    throw new Error(`expected a multipart plan for ${size} bytes, got ${plan?.status}`);
  if (plan.parts.length < plan.partCount)
    throw new Error("the bench expects all part URLs in the prepare answer");
  const { seconds } = await timed(() =>
    mapLimit(plan.parts, concurrency, async ({ partNumber, url }) => {
      const start = (partNumber - 1) * plan.partSize;
      const end = Math.min(size, start + plan.partSize);
      const stream = createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 });
      await putOrThrow(url, Readable.toWeb(stream) as unknown as BodyInit, end - start);
    }),
  );
  return {
    bytes: size,
    seconds: round(seconds),
    mbPerSecond: round(mbPerSecond(size, seconds), 1),
    concurrency,
    detail: `${plan.partCount} parts of ${plan.partSize / 1024 / 1024} MiB`,
  };
}

/** Many small files as single presigned PUTs, `concurrency` at a time (prepare calls of 1000 included). */
export async function rawSinglePuts(
  server: BenchServer,
  dir: string,
  paths: readonly string[],
  size: number,
  concurrency: number,
  label: string,
): Promise<ObjectRateLimit> {
  const run = Date.now();
  const { seconds } = await timed(async () => {
    for (let offset = 0; offset < paths.length; offset += 1000) {
      const batch = paths.slice(offset, offset + 1000);
      const plans = await prepare(
        server,
        batch.map((_, i) => ({ sha256: fakeDigest(`${label}:${run}:${offset + i}`), size })),
      );
      await mapLimit(plans, concurrency, async (plan, i) => {
        if (plan.status !== "upload") throw new Error(`expected a single-PUT plan, got ${plan.status}`);
        const bytes = readFileSync(path.join(dir, batch[i] as string));
        await putOrThrow(plan.url, bytes, bytes.length, plan.headers);
      });
    }
  });
  return {
    objects: paths.length,
    bytes: paths.length * size,
    seconds: round(seconds),
    objectsPerSecond: round(paths.length / seconds, 1),
    concurrency,
    detail: "prepare in batches of 1000, then single presigned PUTs",
  };
}

export interface UrlToGet {
  path: string;
  url: string;
  size: number;
  /** Signed into the URL (if-match on the verified object): must be sent. */
  headers: Record<string, string>;
}

/** GETs presigned URLs `concurrency` at a time, streaming each body to a file under `targetDir` (no hashing). */
export async function rawGets(
  files: readonly UrlToGet[],
  targetDir: string,
  concurrency: number,
): Promise<{ seconds: number; bytes: number }> {
  let bytes = 0;
  const { seconds } = await timed(() =>
    mapLimit(files, concurrency, async (file) => {
      const target = path.join(targetDir, file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      const response = await fetch(file.url, { headers: file.headers });
      if (!response.ok || !response.body) throw new Error(`raw GET answered ${response.status}`);
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(target));
      bytes += file.size;
    }),
  );
  return { seconds: round(seconds), bytes };
}

/** Presigned GET URLs of a committed version's files, from `download-urls` (1000 paths per call). */
export async function downloadUrls(
  server: BenchServer,
  artifactPath: string,
  version: string,
  paths: readonly string[],
): Promise<UrlToGet[]> {
  const urls: UrlToGet[] = [];
  for (let offset = 0; offset < paths.length; offset += 1000) {
    const answer = await callJson<{
      files: { path: string; url?: string; size?: number; headers?: Record<string, string> }[];
    }>(server, "POST", `${artifactPath}/versions/${version}/download-urls`, {
      paths: paths.slice(offset, offset + 1000),
    });
    for (const file of answer.files) {
      if (file.url) {
        urls.push({ path: file.path, url: file.url, size: file.size ?? 0, headers: file.headers ?? {} });
      }
    }
  }
  return urls;
}
