/**
 * @module Multipart upload of one large blob with a resume file (`$XDG_CACHE_HOME/cairn/uploads/<sha256>.json`,
 * `{uploadId, partSize, etags}`): a killed upload continues with the parts it already sent, because prepare
 * names the recorded uploadId (the server resumes only an upload its client names) and R2 keeps the parts.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Client } from "../client.ts";
import { CairnError } from "../errors.ts";
import { isRecord, readJsonIfPresent, writeJsonAtomic } from "../fs-util.ts";
import type { ProgressTracker } from "../progress.ts";
import { chunks, forEachLimit } from "../retry.ts";
import type { PrepareBlobResult } from "../types.ts";
import { putFileRange } from "./put-object.ts";

export const PART_CONCURRENCY = 4;
const PART_URLS_MAX = 1000;

type MultipartPlan = Extract<PrepareBlobResult, { status: "multipart" }>;

interface ResumeState {
  uploadId: string;
  partSize: number;
  etags: Record<string, string>;
}

export function resumeFile(cacheRoot: string, sha256: string): string {
  return path.join(cacheRoot, "uploads", `${sha256}.json`);
}

/** The uploadId a killed upload of this blob recorded, to name in prepare so that very upload is resumed. */
export async function resumedUploadId(cacheRoot: string, sha256: string): Promise<string | undefined> {
  const raw = await readJsonIfPresent(resumeFile(cacheRoot, sha256));
  return isRecord(raw) &&
    typeof raw.uploadId === "string" &&
    raw.uploadId.length >= 1 &&
    raw.uploadId.length <= 128
    ? raw.uploadId
    : undefined;
}

async function loadResume(file: string, plan: MultipartPlan): Promise<Record<string, string>> {
  const raw = await readJsonIfPresent(file);
  if (!isRecord(raw) || raw.uploadId !== plan.uploadId || raw.partSize !== plan.partSize) return {};
  const etags: Record<string, string> = {};
  if (isRecord(raw.etags)) {
    for (const [n, etag] of Object.entries(raw.etags)) {
      if (typeof etag === "string" && Number(n) >= 1 && Number(n) <= plan.partCount) etags[n] = etag;
    }
  }
  return etags;
}

/**
 * Sends the parts not yet sent and returns the ETags of all parts plus the bytes sent now. The caller
 * completes the upload (in a batch) and then removes the resume file.
 */
export async function uploadParts(
  client: Client,
  file: string,
  plan: MultipartPlan,
  cacheRoot: string,
  tracker: ProgressTracker,
): Promise<{ parts: { partNumber: number; etag: string }[]; sentBytes: number }> {
  const stateFile = resumeFile(cacheRoot, plan.sha256);
  const etags = await loadResume(stateFile, plan);
  const partBytes = (n: number) => Math.min(plan.partSize, plan.size - (n - 1) * plan.partSize);

  const todo: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    if (etags[String(n)]) tracker.addBytes(partBytes(n));
    else todo.push(n);
  }

  // The plan carries URLs for the first parts only; ask for the others in batches.
  const urls = new Map(plan.parts.map((p) => [p.partNumber, p.url]));
  const needUrls = todo.filter((n) => !urls.has(n));
  for (const batch of chunks(needUrls, PART_URLS_MAX)) {
    const { parts } = await client.request<{ parts: { partNumber: number; url: string }[] }>(
      "POST",
      client.teamPath("/blobs/part-urls"),
      { uploadId: plan.uploadId, partNumbers: batch },
    );
    for (const p of parts) urls.set(p.partNumber, p.url);
  }

  // Resume-file writes are serialised so two parts finishing together cannot lose each other's ETag.
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    saving = saving.then(() =>
      writeJsonAtomic(stateFile, {
        uploadId: plan.uploadId,
        partSize: plan.partSize,
        etags,
      } satisfies ResumeState),
    );
    return saving;
  };
  if (todo.length > 0) await save();

  let sentBytes = 0;
  await forEachLimit(todo, PART_CONCURRENCY, async (n) => {
    const url = urls.get(n);
    if (!url) throw new Error(`the server gave no URL for part ${n} of ${plan.sha256}`);
    const length = partBytes(n);
    const what = `part ${n} of ${file}`;
    const etag = await putFileRange(url, file, (n - 1) * plan.partSize, length, what).catch(
      async (error: unknown) => {
        // A long upload can outlive its URLs (403 once expired): ask for a fresh one and try once more.
        if (!(error instanceof CairnError && error.status === 403)) throw error;
        const fresh = await client.request<{ parts: { partNumber: number; url: string }[] }>(
          "POST",
          client.teamPath("/blobs/part-urls"),
          { uploadId: plan.uploadId, partNumbers: [n] },
        );
        const freshUrl = fresh.parts[0]?.url;
        if (!freshUrl) throw error;
        return putFileRange(freshUrl, file, (n - 1) * plan.partSize, length, what);
      },
    );
    etags[String(n)] = etag;
    sentBytes += length;
    tracker.addBytes(length);
    await save();
  });
  await saving;

  const parts: { partNumber: number; etag: string }[] = [];
  for (let n = 1; n <= plan.partCount; n++) parts.push({ partNumber: n, etag: etags[String(n)] ?? "" });
  return { parts, sentBytes };
}

/**
 * Forgets a blob's resume state, including temporary files a killed writer left between its write and
 * its rename (`writeJsonAtomic`), which would otherwise stay in the uploads folder for ever. A temporary
 * file of a process that is still running (another `put` of the same blob) is left to it.
 */
export async function dropResume(cacheRoot: string, sha256: string): Promise<void> {
  const file = resumeFile(cacheRoot, sha256);
  const leftovers = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  const prefix = `${path.basename(file)}.`;
  await Promise.all([
    fs.rm(file, { force: true }),
    ...leftovers
      .filter(
        (name) => name.startsWith(prefix) && name.endsWith(".tmp") && writerIsGone(name.slice(prefix.length)),
      )
      .map((name) => fs.rm(path.join(path.dirname(file), name), { force: true })),
  ]);
}

/** `<pid>.<hex>.tmp` → whether process <pid> no longer exists. */
function writerIsGone(suffix: string): boolean {
  const pid = Number(suffix.split(".")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
