import { describe, expect, it } from "vitest";
import { cutLeafPages, type ManifestEntry, sortEntries } from "../../src/shared/manifest.ts";
import { call, newTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, ref, refs, verifiedBlob } from "./version-helpers.ts";

function threeDirs(): ManifestEntry[] {
  return [...refs(1500, "a"), ...refs(1500, "b"), ...refs(1500, "c")];
}

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector/files", () => {
  it("should page through one prefix reading only the pages that cover it", async () => {
    const t = await newTeam();
    const entries = threeDirs();
    await commitEntries(t, "data", entries);
    const pages = cutLeafPages(sortEntries([...entries]));
    const covering = pages.filter((page) => page.entries.some((entry) => entry.path.startsWith("b/"))).length;
    const seen: ManifestEntry[] = [];
    let cursor: string | null = null;
    let calls = 0;
    let totalRead = 0;
    do {
      const query: string = `prefix=b/&limit=400${cursor ? `&cursor=${cursor}` : ""}`;
      const res: any = await call("GET", `${artifactsPath(t, "data")}/versions/v0/files?${query}`, {
        key: t.reader,
      });
      seen.push(...res.files);
      totalRead += res.pagesRead;
      // Each call reads at most the covering pages plus the one that tells it where the prefix ends.
      expect(res.pagesRead).toBeLessThanOrEqual(covering + 1);
      cursor = res.nextCursor;
      calls++;
    } while (cursor && calls < 10);
    expect(calls).toBe(4);
    expect(seen).toEqual(refs(1500, "b"));
    expect(totalRead).toBeLessThan(pages.length);
  });

  it("should list everything without a prefix, and nothing for a prefix no path has", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", [ref("x/1"), ref("x/2"), ref("y")]);
    const all = await call("GET", `${artifactsPath(t, "data")}/versions/latest/files`, { key: t.reader });
    expect(all).toEqual({ files: [ref("x/1"), ref("x/2"), ref("y")], nextCursor: null, pagesRead: 1 });
    const none = await call("GET", `${artifactsPath(t, "data")}/versions/latest/files?prefix=zz`, {
      key: t.reader,
    });
    expect(none).toEqual({ files: [], nextCursor: null, pagesRead: 0 });
    const x = await call("GET", `${artifactsPath(t, "data")}/versions/latest/files?prefix=x/&limit=1`, {
      key: t.reader,
    });
    expect(x.files).toEqual([ref("x/1")]);
    const rest = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions/latest/files?prefix=x/&limit=1&cursor=${x.nextCursor}`,
      { key: t.reader },
    );
    expect(rest.files).toEqual([ref("x/2")]);
  });

  it("should refuse a bad cursor and limit with 400, and answer 404 for unknown versions and other teams", async () => {
    const t = await newTeam();
    const other = await newTeam();
    await commitEntries(t, "data", refs(3));
    const bad = await call("GET", `${artifactsPath(t, "data")}/versions/v0/files?cursor=%%%`, {
      key: t.reader,
      status: 400,
    });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
    const limit = await call("GET", `${artifactsPath(t, "data")}/versions/v0/files?limit=0`, {
      key: t.reader,
      status: 400,
    });
    expect(limit).toMatchObject({ error: { code: "validation_failed" } });
    const unknown = await call("GET", `${artifactsPath(t, "data")}/versions/v5/files`, {
      key: t.reader,
      status: 404,
    });
    expect(unknown).toMatchObject({ error: { code: "not_found" } });
    await call("GET", `${artifactsPath(t, "data")}/versions/v0/files`, { key: other.reader, status: 404 });
  });
});

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector/pages", () => {
  it("should list the leaf pages with their path ranges", async () => {
    const t = await newTeam();
    const entries = threeDirs();
    await commitEntries(t, "data", entries);
    const res = await call("GET", `${artifactsPath(t, "data")}/versions/v0/pages`, { key: t.reader });
    const want = cutLeafPages(sortEntries([...entries]));
    expect(res.pages).toEqual(
      want.map((page) => ({
        digest: page.digest,
        firstPath: page.firstPath,
        lastPath: page.lastPath,
        entryCount: page.entries.length,
        bytes: page.bytes,
      })),
    );
  });
});

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions/:selector/download-urls", () => {
  it("should presign blobs, return references as they are and list missing paths", async () => {
    const t = await newTeam();
    const blob = await verifiedBlob(t);
    const reference = { path: "r/model.pt", ref: "s3://bucket/model.pt", checksum: "etag:abc", size: 9 };
    await commitEntries(t, "data", [
      { path: "w/a.bin", sha256: blob.sha256, size: blob.size },
      reference,
      ...refs(600),
    ]);
    const res = await call("POST", `${artifactsPath(t, "data")}/versions/latest/download-urls`, {
      key: t.reader,
      body: { paths: ["w/a.bin", "r/model.pt", "nope.txt", "f/000599.txt"] },
    });
    expect(res.missing).toEqual(["nope.txt"]);
    expect(res.files).toHaveLength(3);
    expect(res.files[0]).toMatchObject({ path: "w/a.bin", sha256: blob.sha256, size: blob.size });
    expect(res.files[0].url).toContain(`/cairn-blobs/teams/`);
    expect(res.files[0].url).toContain(blob.sha256);
    expect(res.files[0].url).toContain("X-Amz-Signature=");
    expect(Date.parse(res.files[0].expiresAt)).toBeGreaterThan(Date.now());
    expect(res.files[1]).toEqual(reference);
    expect(res.files[2]).toEqual(ref("f/000599.txt"));
  });

  it("should refuse invalid paths with 400 and another team with 404", async () => {
    const t = await newTeam();
    const other = await newTeam();
    await commitEntries(t, "data", refs(1));
    const bad = await call("POST", `${artifactsPath(t, "data")}/versions/v0/download-urls`, {
      key: t.reader,
      body: { paths: ["../etc/passwd"] },
      status: 400,
    });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
    await call("POST", `${artifactsPath(t, "data")}/versions/v0/download-urls`, {
      key: other.reader,
      body: { paths: ["f/000000.txt"] },
      status: 404,
    });
  });
});
