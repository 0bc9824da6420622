/**
 * @module Invariant 4 after verification: bytes written to a verified blob's key later (as a still-valid
 * presigned PUT of its uploader could) are never served — download URLs carry a signed if-match on the
 * verified etag, Worker reads are conditional on it, and fsck reports the object as changed.
 */
import { describe, expect, it } from "vitest";
import type { FsckReport } from "../../src/shared/fsck.ts";
import { verifiedBlobKeys } from "../../src/worker/domain/blobs.ts";
import { keyOfUrl, prepare } from "./blob-helpers.ts";
import { call, env, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, teamId, verifiedBlob } from "./version-helpers.ts";
import { signIn, web } from "./web-helpers.ts";

interface DownloadItem {
  path: string;
  sha256: string;
  url: string;
  headers: Record<string, string>;
}

/** A committed version with `notes.txt` and `pic.png`, both verified; returns their blobs and R2 keys. */
async function committed(t: TestTeam) {
  const text = await verifiedBlob(t, new TextEncoder().encode(`verified text ${crypto.randomUUID()}\n`));
  const image = await verifiedBlob(t, new TextEncoder().encode(`png-ish ${crypto.randomUUID()}`));
  await commitEntries(t, "data", [
    { path: "notes.txt", sha256: text.sha256, size: text.size },
    { path: "pic.png", sha256: image.sha256, size: image.size },
  ]);
  const rows = await verifiedBlobKeys(env.DB, await teamId(t.team), [text.sha256, image.sha256]);
  const textRow = rows.get(text.sha256);
  const imageRow = rows.get(image.sha256);
  if (!textRow || !imageRow) throw new Error("blob rows missing");
  return { text, image, textRow, imageRow };
}

async function downloadUrls(t: TestTeam, paths: string[]): Promise<DownloadItem[]> {
  const res = await call<{ files: DownloadItem[] }>(
    "POST",
    `${artifactsPath(t, "data")}/versions/v0/download-urls`,
    {
      key: t.reader,
      body: { paths },
    },
  );
  return res.files;
}

/** Same length, other bytes: a size check alone would not notice. */
function forged(bytes: Uint8Array): Uint8Array {
  return bytes.map((b) => b ^ 0x20);
}

describe("POST /api/v1/.../versions/:selector/download-urls (after verification)", () => {
  it("should record the verified object's etag and sign it into every download URL as if-match", async () => {
    const t = await newTeam("ow");
    const { textRow } = await committed(t);
    const head = await env.BLOBS.head(textRow.r2Key);
    expect(textRow.etag).toBe(head?.etag);
    const [item] = await downloadUrls(t, ["notes.txt"]);
    expect(item?.headers).toEqual({ "if-match": `"${textRow.etag}"` });
    const signed = new URL(item?.url ?? "").searchParams.get("X-Amz-SignedHeaders") ?? "";
    expect(signed.split(";")).toContain("if-match");
  });

  it("should keep the verified etag in the URL after the object is overwritten (so R2 answers 412)", async () => {
    const t = await newTeam("ow");
    const { text, textRow } = await committed(t);
    const overwritten = await env.BLOBS.put(textRow.r2Key, forged(text.bytes));
    expect(overwritten?.etag).not.toBe(textRow.etag);
    const [item] = await downloadUrls(t, ["notes.txt"]);
    expect(item?.headers).toEqual({ "if-match": `"${textRow.etag}"` });
  });
});

describe("POST /api/v1/teams/:team/blobs/prepare (single PUT)", () => {
  it("should sign if-none-match: * into a single PUT URL and return it as a header to send", async () => {
    const t = await newTeam("ow");
    const [plan] = await prepare(t.team, t.writer, [{ sha256: "ab".repeat(32), size: 10 }]);
    if (plan?.status !== "upload") throw new Error(`expected a single PUT, got ${JSON.stringify(plan)}`);
    expect(plan.headers).toEqual({ "if-none-match": "*" });
    expect(keyOfUrl(plan.url).query.get("X-Amz-SignedHeaders")?.split(";")).toContain("if-none-match");
  });
});

describe("GET /t/:team/:project/:artifact/:selector/preview and /download (after verification)", () => {
  it("should stream the verified bytes through the Worker, with the file name, typed images only", async () => {
    const t = await newTeam("ow");
    const { text, image } = await committed(t);
    const { cookie } = await signIn(t.reader, t.team);
    const res = await web("GET", `/t/${t.team}/p/data/v0/download?path=notes.txt`, { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''notes.txt");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(text.bytes);
    const pic = await web("GET", `/t/${t.team}/p/data/v0/download?path=pic.png`, { cookie });
    expect(pic.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await pic.arrayBuffer())).toEqual(image.bytes);
    const page = await (await web("GET", `/t/${t.team}/p/data/v0`, { cookie })).text();
    expect(page).toContain(`/t/${t.team}/p/data/v0/download?path=notes.txt`);
    expect(page).not.toContain("X-Amz-Signature");
  });

  it("should refuse to preview or download an object overwritten after verification", async () => {
    const t = await newTeam("ow");
    const { text, textRow, image, imageRow } = await committed(t);
    await env.BLOBS.put(textRow.r2Key, forged(text.bytes));
    await env.BLOBS.put(imageRow.r2Key, forged(image.bytes));
    const { cookie } = await signIn(t.reader, t.team);

    const preview = await (
      await web("GET", `/t/${t.team}/p/data/v0/preview?path=notes.txt`, { cookie })
    ).text();
    expect(preview).toContain("changed after it was verified");
    expect(preview).not.toContain("VERIFIED TEXT");
    expect(preview).not.toContain("verified text");

    for (const path of ["notes.txt", "pic.png"]) {
      const res = await web("GET", `/t/${t.team}/p/data/v0/download?path=${path}`, { cookie });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain("changed after it was verified");
      expect(html).not.toContain("VERIFIED TEXT");
    }
  });

  it("should answer 404 for a path the version does not have, and for another team's artifact", async () => {
    const t = await newTeam("ow");
    await committed(t);
    const other = await newTeam("ow");
    const { cookie } = await signIn(t.reader, t.team);
    expect((await web("GET", `/t/${t.team}/p/data/v0/download?path=nope.txt`, { cookie })).status).toBe(404);
    const theirs = await signIn(other.reader, other.team);
    expect(
      (await web("GET", `/t/${t.team}/p/data/v0/download?path=notes.txt`, { cookie: theirs.cookie })).status,
    ).toBe(404);
  });
});

describe("POST /api/v1/teams/:team/admin/fsck (after verification)", () => {
  it("should report a verified blob whose object was rewritten (same size, other etag)", async () => {
    const t = await newTeam("ow");
    const { text, textRow } = await committed(t);
    await env.BLOBS.put(textRow.r2Key, forged(text.bytes));
    const report = await call<FsckReport>("POST", `/teams/${t.team}/admin/fsck`, { key: t.admin, body: {} });
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({
      kind: "blob_object_changed",
      detail: expect.stringContaining(`blob ${text.sha256} ('notes.txt'): its object in R2 was rewritten`),
    });
  });
});
