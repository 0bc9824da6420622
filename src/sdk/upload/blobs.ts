/**
 * @module Blob upload: `blobs/prepare` in batches of 1000, PUTs straight to R2 (16 small files at once,
 * multipart files with 4 parts at once), `blobs/complete` in batches of 100 as uploads finish. A blob
 * the server could not complete is prepared once more (it may be present by now, or get a fresh upload).
 */
import { COMPLETE_MAX_UPLOADS, PREPARE_MAX_BLOBS, SINGLE_PUT_MAX_BYTES } from "../../shared/api.ts";
import type { Client } from "../client.ts";
import { CairnError } from "../errors.ts";
import type { ProgressTracker } from "../progress.ts";
import { chunks, forEachLimit } from "../retry.ts";
import type { CompleteResult, PrepareBlobResult } from "../types.ts";
import { dropResume, resumedUploadId, uploadParts } from "./multipart.ts";
import { putFileRange } from "./put-object.ts";

export const SMALL_CONCURRENCY = 16;
const COMPLETE_CONCURRENCY = 4;

/** A blob to upload: its digest and size, and one local file holding those bytes. */
export interface LocalBlob {
  sha256: string;
  size: number;
  abs: string;
}

type Completion = { sha256: string; uploadId: string; parts?: { partNumber: number; etag: string }[] };

/**
 * Collects finished uploads and reports them to `blobs/complete` 100 at a time. A digest mismatch
 * throws; any other refusal (incomplete, unknown_upload, not_uploaded) is returned by `flush`.
 */
class CompleteBatcher {
  readonly #client: Client;
  readonly #files: Map<string, string>;
  readonly #cacheRoot: string;
  #pending: Completion[] = [];
  #inFlight = new Set<Promise<void>>();
  #failure: unknown;
  #refused: CompleteResult[] = [];

  constructor(client: Client, files: Map<string, string>, cacheRoot: string) {
    this.#client = client;
    this.#files = files;
    this.#cacheRoot = cacheRoot;
  }

  async add(completion: Completion): Promise<void> {
    this.#pending.push(completion);
    if (this.#pending.length >= COMPLETE_MAX_UPLOADS) await this.#send();
  }

  /** Sends what is left and waits; returns the uploads the server refused to complete. */
  async flush(): Promise<CompleteResult[]> {
    while (this.#pending.length > 0) await this.#send();
    await Promise.all(this.#inFlight);
    if (this.#failure) throw this.#failure;
    return this.#refused;
  }

  async #send(): Promise<void> {
    while (this.#inFlight.size >= COMPLETE_CONCURRENCY) await Promise.race(this.#inFlight);
    if (this.#failure) throw this.#failure;
    const batch = this.#pending.splice(0, COMPLETE_MAX_UPLOADS);
    if (batch.length === 0) return;
    const task = this.#complete(batch).catch((error: unknown) => {
      this.#failure ??= error;
    });
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  async #complete(batch: Completion[]): Promise<void> {
    const { results } = await this.#client.request<{ results: CompleteResult[] }>(
      "POST",
      this.#client.teamPath("/blobs/complete"),
      { uploads: batch },
    );
    for (const result of results) {
      if (result.status === "verified") continue;
      const file = this.#files.get(result.sha256) ?? result.sha256;
      if (result.status === "digest_mismatch") {
        throw new CairnError("digest_mismatch", `'${file}' changed while it was being uploaded`, {
          hint: "Run the command again once the file is no longer being written",
        });
      }
      // Whatever was recorded about this upload is useless now: the next attempt starts over.
      await dropResume(this.#cacheRoot, result.sha256);
      this.#refused.push(result);
    }
  }
}

function transferFailed(result: CompleteResult, files: Map<string, string>): CairnError {
  const file = files.get(result.sha256) ?? result.sha256;
  return new CairnError(
    "transfer_failed",
    `the server could not verify the upload of '${file}' (${result.status}${result.message ? `: ${result.message}` : ""})`,
    { hint: "Run the command again" },
  );
}

/**
 * Uploads every blob the server does not have yet and returns the bytes sent. When it returns, every
 * blob is verified on the server (or it throws).
 */
export async function uploadBlobs(
  client: Client,
  blobs: LocalBlob[],
  options: { cacheRoot: string; tracker: ProgressTracker },
): Promise<{ uploadedBytes: number; uploadedFiles: number }> {
  const { tracker } = options;
  const files = new Map(blobs.map((b) => [b.sha256, b.abs]));
  const totalBytes = blobs.reduce((sum, b) => sum + b.size, 0);
  tracker.start("uploading", blobs.length, totalBytes);
  const round: Round = { client, files, ...options, uploadedBytes: 0, uploadedFiles: 0 };
  const refused = await uploadRound(round, blobs);
  if (refused.length > 0) {
    // Once more for the refused ones (e.g. an upload that expired or lost parts): each may be present by
    // now, or gets a fresh upload. Their progress is counted again, so take it back first.
    const again = new Set(refused.map((r) => r.sha256));
    const retry = blobs.filter((b) => again.has(b.sha256));
    for (const blob of retry) {
      tracker.addBytes(-blob.size);
      tracker.addFiles(-1);
      round.uploadedFiles--;
    }
    const first = (await uploadRound(round, retry))[0];
    if (first) throw transferFailed(first, files);
  }
  return { uploadedBytes: round.uploadedBytes, uploadedFiles: round.uploadedFiles };
}

interface Round {
  client: Client;
  files: Map<string, string>;
  cacheRoot: string;
  tracker: ProgressTracker;
  uploadedBytes: number;
  uploadedFiles: number;
}

/** prepare, PUT and complete `blobs` once; returns the uploads the server refused to complete. */
async function uploadRound(round: Round, blobs: LocalBlob[]): Promise<CompleteResult[]> {
  const { client, files, cacheRoot, tracker } = round;
  const batcher = new CompleteBatcher(client, files, cacheRoot);
  const multipartShas: string[] = [];

  for (const batch of chunks(blobs, PREPARE_MAX_BLOBS)) {
    const items = await prepareItems(cacheRoot, batch);
    const { blobs: plans } = await client.request<{ blobs: PrepareBlobResult[] }>(
      "POST",
      client.teamPath("/blobs/prepare"),
      { blobs: items },
    );
    const named = new Map(items.flatMap((item) => (item.uploadId ? [[item.sha256, item.uploadId]] : [])));
    const singles: Extract<PrepareBlobResult, { status: "upload" }>[] = [];
    const multiparts: Extract<PrepareBlobResult, { status: "multipart" }>[] = [];
    for (const plan of plans) {
      // The recorded upload is gone (finished by now, expired, or unknown): its resume state is stale.
      const resumed = named.get(plan.sha256);
      if (resumed && (plan.status === "present" || plan.uploadId !== resumed)) {
        await dropResume(cacheRoot, plan.sha256);
      }
      if (plan.status === "present") {
        tracker.addBytes(plan.size);
        tracker.addFiles(1);
      } else if (plan.status === "upload") singles.push(plan);
      else {
        multiparts.push(plan);
        multipartShas.push(plan.sha256);
      }
    }
    const fileOf = (sha256: string) => {
      const abs = files.get(sha256);
      if (!abs)
        throw new CairnError("bad_response", `the server planned an upload for unknown blob ${sha256}`);
      return abs;
    };

    const small = forEachLimit(singles, SMALL_CONCURRENCY, async (plan) => {
      const abs = fileOf(plan.sha256);
      await putFileRange(plan.url, abs, 0, plan.size, `'${abs}'`, plan.headers);
      round.uploadedBytes += plan.size;
      round.uploadedFiles++;
      tracker.addBytes(plan.size);
      tracker.addFiles(1);
      await batcher.add({ sha256: plan.sha256, uploadId: plan.uploadId });
    });
    // Large files one at a time, each with its parts in parallel, alongside the small ones.
    const large = (async () => {
      for (const plan of multiparts) {
        const { parts, sentBytes } = await uploadParts(client, fileOf(plan.sha256), plan, cacheRoot, tracker);
        round.uploadedBytes += sentBytes;
        round.uploadedFiles++;
        tracker.addFiles(1);
        await batcher.add({ sha256: plan.sha256, uploadId: plan.uploadId, parts });
      }
    })();
    const settled = await Promise.allSettled([small, large]);
    for (const result of settled) if (result.status === "rejected") throw result.reason;
  }
  const refused = await batcher.flush();
  // Only now are the multipart uploads complete on the server; their resume files are no longer needed.
  for (const sha256 of multipartShas) await dropResume(cacheRoot, sha256);
  return refused;
}

/**
 * The prepare items of a batch: a blob with a resume file names its upload, so a killed `put` resumes
 * its own upload and never another client's. Only multipart blobs can have one, so small files cost no
 * file lookup.
 */
async function prepareItems(
  cacheRoot: string,
  batch: LocalBlob[],
): Promise<{ sha256: string; size: number; uploadId?: string }[]> {
  return Promise.all(
    batch.map(async ({ sha256, size }) => {
      const uploadId = size >= SINGLE_PUT_MAX_BYTES ? await resumedUploadId(cacheRoot, sha256) : undefined;
      return uploadId ? { sha256, size, uploadId } : { sha256, size };
    }),
  );
}
