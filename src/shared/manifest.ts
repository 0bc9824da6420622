/**
 * @module The manifest page function: how a sorted list of entries is cut into content-addressed pages,
 * and how a version digest is computed from them. Part of the protocol: every client must cut identical
 * pages (see the test vectors in test/worker/manifest-vectors.test.ts and docs/MANIFEST.md).
 */
import { createHash } from "node:crypto";

/** A file whose bytes live in Cairn's blob store. */
export interface BlobEntry {
  path: string;
  sha256: string;
  size: number;
}

/** A file that stays where it is (http, https, s3, gs); Cairn stores only its URI and optional checksum. */
export interface ReferenceEntry {
  path: string;
  ref: string;
  /** `sha256:<hex>`, `etag:<value>` or another `<algo>:<value>`; verified on download when possible. */
  checksum?: string;
  size?: number;
}

export type ManifestEntry = BlobEntry | ReferenceEntry;

export function isReference(entry: ManifestEntry): entry is ReferenceEntry {
  return "ref" in entry;
}

/** A page boundary follows an entry when the first byte of sha256(path) is below this (1 in 128). */
export const LEAF_BOUNDARY_BELOW = 2;
/** A page is cut after this many entries even without a boundary. */
export const LEAF_MAX_ENTRIES = 512;
/** Index pages group leaf pages: boundary when the leaf digest's first byte is below this (1 in 64). */
export const INDEX_BOUNDARY_BELOW = 4;
export const INDEX_MAX_ENTRIES = 256;
export const MANIFEST_DIGEST_PREFIX = "cairn-manifest-v1\n";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Orders paths by their UTF-8 bytes (SQLite's BINARY collation). JavaScript compares UTF-16 code units,
 * which differs only when a surrogate meets a character from U+E000 to U+FFFF; we shift those apart.
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function sortEntries<T extends { path: string }>(entries: T[]): T[] {
  return entries.sort((a, b) => comparePaths(a.path, b.path));
}

/** True when a page boundary follows an entry with this path. */
export function isLeafBoundary(path: string): boolean {
  const first = createHash("sha256").update(path).digest()[0] ?? 255;
  return first < LEAF_BOUNDARY_BELOW;
}

/** True when an index-page boundary follows the leaf page with this digest. */
export function isIndexBoundary(leafDigest: string): boolean {
  return Number.parseInt(leafDigest.slice(0, 2), 16) < INDEX_BOUNDARY_BELOW;
}

/** One line of a page's canonical text. Paths and URIs never contain control characters. */
export function canonicalLine(entry: ManifestEntry): string {
  if (isReference(entry)) {
    return `${entry.path}\tref\t${entry.ref}\t${entry.checksum ?? ""}\t${entry.size ?? ""}\n`;
  }
  return `${entry.path}\t${entry.sha256}\t${entry.size}\n`;
}

export function canonicalPage(entries: readonly ManifestEntry[]): string {
  let text = "";
  for (const entry of entries) text += canonicalLine(entry);
  return text;
}

/** Parses canonical page text back into entries (the inverse of `canonicalPage`). */
export function parsePage(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const fields = line.split("\t");
    if (fields[1] === "ref") {
      const [path = "", , ref = "", checksum = "", size = ""] = fields;
      entries.push({
        path,
        ref,
        ...(checksum ? { checksum } : {}),
        ...(size ? { size: Number(size) } : {}),
      });
    } else {
      const [path = "", sha256 = "", size = "0"] = fields;
      entries.push({ path, sha256, size: Number(size) });
    }
  }
  return entries;
}

export interface LeafPage {
  digest: string;
  entries: ManifestEntry[];
  firstPath: string;
  lastPath: string;
  /** Sum of blob sizes and known reference sizes. */
  bytes: number;
  /** Whether the page ends at a content-defined boundary (or its maximum length). */
  closed: boolean;
}

export function makeLeafPage(entries: ManifestEntry[]): LeafPage {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) throw new Error("a page has at least one entry");
  let bytes = 0;
  for (const entry of entries) bytes += entry.size ?? 0;
  return {
    digest: sha256Hex(canonicalPage(entries)),
    entries,
    firstPath: first.path,
    lastPath: last.path,
    bytes,
    closed: entries.length >= LEAF_MAX_ENTRIES || isLeafBoundary(last.path),
  };
}

/**
 * Cuts entries, already sorted by `comparePaths` and unique by path, into leaf pages: a cut follows an
 * entry whose path is a boundary, or the LEAF_MAX_ENTRIES-th entry of a page.
 */
export function cutLeafPages(sorted: readonly ManifestEntry[]): LeafPage[] {
  const pages: LeafPage[] = [];
  let current: ManifestEntry[] = [];
  for (const entry of sorted) {
    current.push(entry);
    if (current.length >= LEAF_MAX_ENTRIES || isLeafBoundary(entry.path)) {
      pages.push(makeLeafPage(current));
      current = [];
    }
  }
  if (current.length > 0) pages.push(makeLeafPage(current));
  return pages;
}

/** Why a page's entries cannot be a page cut by `cutLeafPages`, or null when they can. */
export function leafPageProblem(entries: readonly ManifestEntry[]): string | null {
  if (entries.length === 0) return "a page has at least one entry";
  if (entries.length > LEAF_MAX_ENTRIES) return `a page has at most ${LEAF_MAX_ENTRIES} entries`;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as ManifestEntry;
    const next = entries[i + 1];
    if (next && comparePaths(entry.path, next.path) >= 0) {
      return `entries must be sorted by path and unique: '${next.path}' follows '${entry.path}'`;
    }
    if (next && isLeafBoundary(entry.path)) return `a page must end after the boundary path '${entry.path}'`;
  }
  return null;
}

/** The version digest: sha256 over the ordered leaf page digests. */
export function manifestDigest(leafDigests: readonly string[]): string {
  let text = MANIFEST_DIGEST_PREFIX;
  for (const digest of leafDigests) text += `${digest}\n`;
  return sha256Hex(text);
}

/** Groups leaf page digests into index pages (the server stores versions as lists of index pages). */
export function cutIndexPages<T extends { digest: string }>(leaves: readonly T[]): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  for (const leaf of leaves) {
    current.push(leaf);
    if (current.length >= INDEX_MAX_ENTRIES || isIndexBoundary(leaf.digest)) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export function indexPageDigest(leafDigests: readonly string[]): string {
  return sha256Hex(`cairn-index-v1\n${leafDigests.join("\n")}\n`);
}
