/**
 * Test vectors of the manifest page function (docs/MANIFEST.md). The literals below pin the protocol:
 * a client in any language must cut these exact pages. Never update them to make a change pass.
 */
import { describe, expect, it } from "vitest";
import {
  type BlobEntry,
  canonicalPage,
  comparePaths,
  cutIndexPages,
  cutLeafPages,
  indexPageDigest,
  isLeafBoundary,
  LEAF_MAX_ENTRIES,
  type ManifestEntry,
  manifestDigest,
  parsePage,
  sha256Hex,
  sortEntries,
} from "../../src/shared/manifest.ts";
import { applyChanges, type EntryChange } from "../../src/shared/rechunk.ts";

function vectorEntries(): BlobEntry[] {
  return Array.from({ length: 2000 }, (_, i) => ({
    path: `data/part-${i}.bin`,
    sha256: sha256Hex(String(i)),
    size: i,
  }));
}

describe("manifest page function: test vectors", () => {
  it("should cut the 2,000-entry vector into the pinned pages and digest", () => {
    const pages = cutLeafPages(sortEntries(vectorEntries()));
    expect(pages).toHaveLength(16);
    expect(pages.map((page) => page.entries.length)).toEqual([
      54, 115, 200, 67, 126, 41, 185, 86, 73, 206, 61, 130, 162, 444, 10, 40,
    ]);
    expect(pages.slice(0, 3).map((page) => page.digest)).toEqual([
      "7664645118dfbd749df53c5ba5aa13f8dd2829d16cb65275c49b4ff09776639b",
      "33a17c4b24881aeecfa36c86048762d2fdcdc2997ad292edd1110cce6d3dc4c9",
      "42750e9a02af919cbfc0c3db6ca75871177eac8489bd8af88b11cd5e39eed556",
    ]);
    expect(pages[0]?.lastPath).toBe("data/part-1045.bin");
    expect(manifestDigest(pages.map((page) => page.digest))).toBe(
      "56349895bf4a03a511c076a4ce69f39527875634e897e4d6934711f463e359c8",
    );
    const index = cutIndexPages(pages);
    expect(index).toHaveLength(1);
    expect(indexPageDigest((index[0] ?? []).map((page) => page.digest))).toBe(
      "6ccc517f91bcb93e375020c30281130d114a3e92c57b4c6e74cc187af1be9145",
    );
  });

  it("should digest the empty manifest and a page with references and non-ASCII paths as pinned", () => {
    expect(manifestDigest([])).toBe("fd461db5f3e6ce49e7906bffe1efaf39ef7e07710911012b3f4a36a5c1f4cda7");
    const entries: ManifestEntry[] = [
      { path: "a/ü.txt", sha256: sha256Hex("x"), size: 1 },
      { path: "b", ref: "s3://bucket/k", checksum: "etag:abc", size: 3 },
      { path: "c", ref: "https://x/y" },
    ];
    const text = canonicalPage(entries);
    expect(text).toBe(
      "a/ü.txt\t2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\t1\n" +
        "b\tref\ts3://bucket/k\tetag:abc\t3\nc\tref\thttps://x/y\t\t\n",
    );
    expect(sha256Hex(text)).toBe("8ac07f2a3debb0e4c6c42cf9c738ba674217e5ff94b4f566189ad10e5313c151");
    expect(parsePage(text)).toEqual(entries);
  });

  it("should cut a page after LEAF_MAX_ENTRIES entries without a boundary", () => {
    const entries: BlobEntry[] = [];
    for (let i = 0; entries.length < 1200; i++) {
      const path = `x/${i}`;
      if (!isLeafBoundary(path)) entries.push({ path, sha256: sha256Hex(path), size: 1 });
    }
    const pages = cutLeafPages(sortEntries(entries));
    expect(pages.map((page) => page.entries.length)).toEqual([LEAF_MAX_ENTRIES, LEAF_MAX_ENTRIES, 176]);
    expect(pages.map((page) => page.closed)).toEqual([true, true, false]);
  });
});

describe("comparePaths", () => {
  it("should order by UTF-8 bytes, not UTF-16 code units", () => {
    // U+E000 is EE 80 80 in UTF-8, U+10000 is F0 90 80 80: bytes put U+E000 first; UTF-16 would not.
    expect("\uE000" < "\u{10000}").toBe(false);
    expect(comparePaths("\uE000", "\u{10000}")).toBeLessThan(0);
    expect(comparePaths("\u{10000}", "\uE000")).toBeGreaterThan(0);
    const paths = ["b", "a/b", "\u{1F600}", "\uFFFD", "a", "ab", "a\u00e9", "A"];
    const byBytes = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...paths].sort(comparePaths)).toEqual(byBytes);
  });
});

describe("parsePage", () => {
  it("should round-trip canonicalPage for blob and reference entries", () => {
    const entries: ManifestEntry[] = [
      { path: "x/1", sha256: "a".repeat(64), size: 0 },
      { path: "x/2", ref: "gs://b/o", size: 5 },
      { path: "x/3", ref: "https://h/p?q=1", checksum: "sha256:abc" },
      { path: "x/\u{1F600}", sha256: "b".repeat(64), size: 5 * 1024 ** 4 },
    ];
    expect(parsePage(canonicalPage(entries))).toEqual(entries);
  });
});

/** Small seeded PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("applyChanges", () => {
  it("should give exactly cutLeafPages of the edited list, for 200 seeds of random edits", async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = random(seed);
      const size = Math.floor(rand() * (seed % 10 === 0 ? 1500 : 400));
      const base = new Map<string, ManifestEntry>();
      for (let i = 0; i < size; i++) {
        const path = `d${Math.floor(rand() * 5)}/f-${Math.floor(rand() * 100000)}`;
        base.set(path, { path, sha256: sha256Hex(`${seed}:${path}`), size: i });
      }
      const baseSorted = sortEntries([...base.values()]);
      const basePages = cutLeafPages(baseSorted);
      const stored = new Map(basePages.map((page) => [page.digest, page.entries]));
      const changes = new Map<string, EntryChange>();
      const expected = new Map(base);
      const expectedMissing: string[] = [];
      const keys = [...base.keys()];
      const count = Math.floor(rand() * 25);
      for (let c = 0; c < count; c++) {
        const kind = rand();
        const existing = keys[Math.floor(rand() * keys.length)];
        const path =
          kind < 0.6 || !existing ? `d${Math.floor(rand() * 6)}/n-${Math.floor(rand() * 100000)}` : existing;
        if (changes.has(path)) continue;
        if (kind < 0.8 || !base.has(path)) {
          if (kind >= 0.95) {
            changes.set(path, { op: "remove", path });
            if (base.has(path)) expected.delete(path);
            else expectedMissing.push(path);
            continue;
          }
          const entry = { path, sha256: sha256Hex(`new:${seed}:${path}`), size: c };
          changes.set(path, { op: "put", entry });
          expected.set(path, entry);
        } else {
          changes.set(path, { op: "remove", path });
          expected.delete(path);
        }
      }
      const pathOf = (change: EntryChange) => (change.op === "put" ? change.entry.path : change.path);
      const sortedChanges = [...changes.values()].sort((a, b) => comparePaths(pathOf(a), pathOf(b)));
      const baseMetas = basePages.map((page) => ({ ...page, entryCount: page.entries.length }));
      const result = await applyChanges(baseMetas, sortedChanges, async (digest) => stored.get(digest) ?? []);
      const want = cutLeafPages(sortEntries([...expected.values()]));
      expect(
        result.leaves.map((leaf) => leaf.digest),
        `seed ${seed}`,
      ).toEqual(want.map((page) => page.digest));
      const baseDigests = new Set(basePages.map((page) => page.digest));
      expect(result.newPages.map((page) => page.digest).sort(), `seed ${seed}`).toEqual(
        [...new Set(want.map((page) => page.digest).filter((digest) => !baseDigests.has(digest)))].sort(),
      );
      expect(result.missingRemovals.sort(comparePaths), `seed ${seed}`).toEqual(
        expectedMissing.sort(comparePaths),
      );
    }
  });
});
