import { describe, expect, it } from "vitest";
import { PAGES_UPLOAD_MAX } from "../../src/shared/api.ts";
import {
  type BlobEntry,
  canonicalPage,
  cutLeafPages,
  type LeafPage,
  type ManifestEntry,
  sha256Hex,
  sortEntries,
} from "../../src/shared/manifest.ts";
import { api, call, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, countRows, ref, refs, teamId, verifiedBlob } from "./version-helpers.ts";

function wire(page: LeafPage) {
  return { digest: page.digest, entries: page.entries };
}

describe("POST /api/v1/teams/:team/pages/prepare", () => {
  it("should name the digests the team does not have, and never another team's", async () => {
    const t = await newTeam();
    const other = await newTeam();
    const pages = cutLeafPages(refs(400));
    const digests = pages.map((page) => page.digest);
    await call("POST", `/teams/${other.team}/pages`, {
      key: other.writer,
      body: { pages: pages.map(wire) },
      status: 201,
    });
    const before = await call("POST", `/teams/${t.team}/pages/prepare`, { key: t.writer, body: { digests } });
    expect(before.missing).toEqual(digests);
    await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: pages.slice(1).map(wire) },
      status: 201,
    });
    const after = await call("POST", `/teams/${t.team}/pages/prepare`, { key: t.writer, body: { digests } });
    expect(after.missing).toEqual([digests[0]]);
    const reader = await call("POST", `/teams/${t.team}/pages/prepare`, {
      key: t.reader,
      body: { digests },
      status: 403,
    });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const bad = await call("POST", `/teams/${t.team}/pages/prepare`, {
      key: t.writer,
      body: { digests: ["xyz"] },
      status: 400,
    });
    expect(bad).toMatchObject({ error: { code: "validation_failed" } });
  });
});

describe("POST /api/v1/teams/:team/pages", () => {
  it("should refuse the whole batch when one page's digest is wrong or its cut is not canonical", async () => {
    const t = await newTeam();
    const id = await teamId(t.team);
    const pages = cutLeafPages(refs(400));
    const wrong = pages.map(wire);
    const lie = { digest: sha256Hex("lie"), entries: pages[1]?.entries };
    wrong[1] = lie as ReturnType<typeof wire>;
    const mismatch = await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: wrong },
      status: 422,
    });
    expect(mismatch).toMatchObject({
      error: {
        code: "digest_mismatch",
        details: { page: lie.digest, index: 1, actual: sha256Hex(canonicalPage(pages[1]?.entries ?? [])) },
      },
    });
    expect(await countRows("pages", "team_id = ?", id)).toBe(0);

    const unsorted = [ref("b"), ref("a")];
    const notSorted = await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: {
        pages: [
          wire(pages[0] as LeafPage),
          { digest: sha256Hex(canonicalPage(unsorted)), entries: unsorted },
        ],
      },
      status: 400,
    });
    expect(notSorted).toMatchObject({ error: { code: "validation_failed" } });
    expect(notSorted.error.message).toContain("sorted");
    // Two pages glued together cross a boundary inside one page.
    const glued = [...(pages[0]?.entries ?? []), ...(pages[1]?.entries ?? [])];
    const notCut = await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: [{ digest: sha256Hex(canonicalPage(glued)), entries: glued }] },
      status: 400,
    });
    expect(notCut.error.message).toContain("boundary");
    const badPath = await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: [{ digest: sha256Hex("x"), entries: [{ path: "a//b", ref: "https://x/y" }] }] },
      status: 400,
    });
    expect(badPath).toMatchObject({ error: { code: "validation_failed" } });
    const tooMany = await call("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: { pages: new Array(PAGES_UPLOAD_MAX + 1).fill(wire(pages[0] as LeafPage)) },
      status: 400,
    });
    expect(tooMany).toMatchObject({ error: { code: "validation_failed" } });
    expect(await countRows("pages", "team_id = ?", id)).toBe(0);
    const reader = await api("POST", `/teams/${t.team}/pages`, {
      key: t.reader,
      body: { pages: pages.map(wire) },
    });
    expect(reader.status).toBe(403);
  });
});

/** Uploads the pages the server is missing, the way a client does; returns how many it sent. */
async function uploadMissing(t: TestTeam, pages: LeafPage[]): Promise<number> {
  const byDigest = new Map(pages.map((page) => [page.digest, page]));
  const { missing } = await call("POST", `/teams/${t.team}/pages/prepare`, {
    key: t.writer,
    body: { digests: [...byDigest.keys()] },
  });
  for (let i = 0; i < missing.length; i += PAGES_UPLOAD_MAX) {
    const batch = missing
      .slice(i, i + PAGES_UPLOAD_MAX)
      .map((digest: string) => wire(byDigest.get(digest) as LeafPage));
    await call("POST", `/teams/${t.team}/pages`, { key: t.writer, body: { pages: batch }, status: 201 });
  }
  return missing.length;
}

async function rowCounts(id: string) {
  return {
    pages: await countRows("pages", "team_id = ?", id),
    indexPages: await countRows("index_pages", "team_id = ?", id),
    versions: await countRows("versions", "team_id = ?", id),
  };
}

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (100,000 entries)", () => {
  it("should store a one-entry change to a 100,000-entry version as a handful of rows", async () => {
    const t = await newTeam();
    const id = await teamId(t.team);
    const blob = await verifiedBlob(t);
    const other = await verifiedBlob(t);
    const entries: ManifestEntry[] = Array.from({ length: 100_000 }, (_, i) => ({
      path: `shard-${String(i % 50).padStart(2, "0")}/file-${String(i).padStart(6, "0")}.bin`,
      sha256: blob.sha256,
      size: blob.size,
    }));
    const sorted = sortEntries(entries);
    const started = Date.now();
    const pages = cutLeafPages(sorted);
    const cutMs = Date.now() - started;
    const before = await rowCounts(id);

    const t1 = Date.now();
    const sent1 = await uploadMissing(t, pages);
    const uploadMs = Date.now() - t1;
    const t2 = Date.now();
    const first = await call("POST", `${artifactsPath(t, "big")}/versions`, {
      key: t.writer,
      body: { type: "dataset", pages: pages.map((page) => page.digest) },
      status: 201,
    });
    const commit1Ms = Date.now() - t2;
    const afterFirst = await rowCounts(id);
    expect(first.version).toMatchObject({ version: 0, files: 100_000, size: 100_000 * blob.size });
    expect(sent1).toBe(pages.length);

    // Change one entry in the middle.
    const changed = sorted.map((entry) =>
      entry.path === "shard-25/file-050025.bin"
        ? { ...entry, sha256: other.sha256, size: other.size }
        : entry,
    ) as BlobEntry[];
    const pages2 = cutLeafPages(changed);
    const t3 = Date.now();
    const sent2 = await uploadMissing(t, pages2);
    const second = await call("POST", `${artifactsPath(t, "big")}/versions`, {
      key: t.writer,
      body: { type: "dataset", pages: pages2.map((page) => page.digest) },
      status: 201,
    });
    const commit2Ms = Date.now() - t3;
    const afterSecond = await rowCounts(id);
    expect(second.version).toMatchObject({ version: 1, files: 100_000 });
    expect(sent2).toBeLessThanOrEqual(3);
    expect(afterSecond.pages - afterFirst.pages).toBeLessThanOrEqual(3);
    expect(afterSecond.indexPages - afterFirst.indexPages).toBeLessThanOrEqual(2);
    expect(afterSecond.versions - afterFirst.versions).toBe(1);

    // Listing one shard reads only the pages that can hold it.
    const listing = await call(
      "GET",
      `${artifactsPath(t, "big")}/versions/v1/files?prefix=shard-25/&limit=100`,
      {
        key: t.reader,
      },
    );
    expect(listing.files).toHaveLength(100);
    expect(listing.files[0].path).toBe("shard-25/file-000025.bin");
    const holding = new Set(listing.files.map((file: ManifestEntry) => file.path));
    const pagesHolding = pages2.filter((page) =>
      page.entries.some((entry) => holding.has(entry.path)),
    ).length;
    expect(listing.pagesRead).toBe(pagesHolding);
    expect(pagesHolding).toBeLessThan(pages2.length / 50);

    console.log(
      JSON.stringify({
        entries: 100_000,
        leafPages: pages.length,
        cutMs,
        firstUploadPagesMs: uploadMs,
        firstCommitMs: commit1Ms,
        firstRowsAdded: {
          pages: afterFirst.pages - before.pages,
          indexPages: afterFirst.indexPages - before.indexPages,
          versions: afterFirst.versions - before.versions,
        },
        secondPagesSent: sent2,
        secondUploadAndCommitMs: commit2Ms,
        secondRowsAdded: {
          pages: afterSecond.pages - afterFirst.pages,
          indexPages: afterSecond.indexPages - afterFirst.indexPages,
          versions: afterSecond.versions - afterFirst.versions,
        },
        prefixListingPagesRead: listing.pagesRead,
      }),
    );
  }, 300_000);
});
