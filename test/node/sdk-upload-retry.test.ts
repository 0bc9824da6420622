import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PreparedBlob } from "../../src/shared/api.ts";
import { cairnEnv, cliJson, writeTree } from "./support/cairn-env.ts";
import { callApi } from "./support/server.ts";

const MIB = 1024 * 1024;
const SIZE = 9 * MIB;

/** A big file (9 MiB: one multipart part) and the path of its resume file in the CLI's cache. */
async function bigFile(size = SIZE) {
  const ctx = await cairnEnv();
  writeTree(ctx.dir, { "w/weights.bin": size });
  const sha256 = createHash("sha256")
    .update(readFileSync(path.join(ctx.dir, "w/weights.bin")))
    .digest("hex");
  const prepare = async () => {
    const { blobs } = await callApi<{ blobs: PreparedBlob[] }>(
      "POST",
      `/teams/${ctx.team.team}/blobs/prepare`,
      {
        key: ctx.team.writer,
        body: { blobs: [{ sha256, size }] },
      },
    );
    const plan = blobs[0];
    if (plan?.status !== "multipart")
      throw new Error(`expected a multipart plan, got ${JSON.stringify(plan)}`);
    return plan;
  };
  const uploads = path.join(ctx.env.XDG_CACHE_HOME ?? "", "cairn", "uploads");
  return { ...ctx, sha256, prepare, resume: path.join(uploads, `${sha256}.json`) };
}

function writeResume(file: string, state: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(state));
}

const put = ["put", "w", "--name", "weights", "--type", "model"];

describe("cairn put: multipart resume state and complete refusals", () => {
  it("should name the upload its resume file records, so prepare resumes it and only missing parts are sent", async () => {
    const f = await bigFile(20 * MIB);
    const plan = await f.prepare();
    // What a killed put leaves: part 1 (16 MiB) in R2 and its ETag in the resume file.
    const firstPart = plan.parts.find((p) => p.partNumber === 1);
    const bytes = readFileSync(path.join(f.dir, "w/weights.bin")).subarray(0, plan.partSize);
    const res = await fetch(firstPart?.url ?? "", { method: "PUT", body: bytes });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    writeResume(f.resume, {
      uploadId: plan.uploadId,
      partSize: plan.partSize,
      etags: { "1": res.headers.get("etag") ?? "" },
    });

    const result = await cliJson(put, f.env, f.dir);

    expect(result).toMatchObject({ created: true, version: 0, files: 1, size: 20 * MIB });
    expect(result.uploadedBytes).toBe(4 * MIB);
    expect(existsSync(f.resume)).toBe(false);
  });

  it("should remove the temporary resume file a killed put left between its write and its rename", async () => {
    const f = await bigFile();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a process that has exited
    const stale = `${f.resume}.${gone}.0badf00d.tmp`;
    const running = `${f.resume}.${process.pid}.0badf00d.tmp`; // a writer that is still alive
    writeResume(stale, { uploadId: "half-written" });
    writeResume(running, { uploadId: "in-flight" });

    const result = await cliJson(put, f.env, f.dir);

    expect(result).toMatchObject({ created: true, version: 0, files: 1, size: SIZE });
    expect(readdirSync(path.dirname(f.resume))).toEqual([path.basename(running)]);
  });

  it("should prepare a blob once more with a fresh upload when complete refuses its recorded parts", async () => {
    const f = await bigFile();
    // An open upload of this blob whose recorded ETags R2 never issued: the SDK names it, prepare resumes
    // it, the SDK sends no part (all are "recorded"), and complete answers incomplete.
    const plan = await f.prepare();
    writeResume(f.resume, { uploadId: plan.uploadId, partSize: plan.partSize, etags: { "1": "bogus" } });

    const result = await cliJson(put, f.env, f.dir);

    expect(result).toMatchObject({ created: true, version: 0, files: 1, size: SIZE });
    // Nothing in the first round, then the whole file once through the fresh upload.
    expect(result.uploadedBytes).toBe(SIZE);
    expect(existsSync(f.resume)).toBe(false);
  });

  it("should drop resume state of an upload the server does not resume, and upload the file in full", async () => {
    const f = await bigFile();
    writeResume(f.resume, { uploadId: "gone-upload", partSize: 16 * 1024 * 1024, etags: { "1": "stale" } });

    const result = await cliJson(put, f.env, f.dir);

    expect(result).toMatchObject({ created: true, version: 0, files: 1, size: SIZE });
    expect(result.uploadedBytes).toBe(SIZE);
    expect(existsSync(f.resume)).toBe(false);
  });
});
