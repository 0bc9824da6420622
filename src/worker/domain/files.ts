/**
 * @module Reading a version's files without reading its whole manifest: listing by path prefix (only the
 * leaf pages whose path range can hold the prefix are read) and looking up given paths.
 */
import { comparePaths, type ManifestEntry } from "../../shared/manifest.ts";
import type { LeafMeta } from "../../shared/rechunk.ts";
import { ApiError } from "../errors.ts";
import { requirePageEntries } from "./manifests.ts";

export interface FilesPage {
  files: ManifestEntry[];
  nextCursor: string | null;
  pagesRead: number;
}

export function encodeCursor(path: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(path)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string): string {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(binary, (ch) => ch.charCodeAt(0)),
    );
  } catch {
    throw new ApiError("validation_failed", "invalid query: cursor is not valid");
  }
}

/**
 * Whether a page covering [firstPath, lastPath] can hold a path that starts with `prefix`. Paths with a
 * prefix form one contiguous run in path order beginning at the prefix itself, so a page is out when it
 * ends before the prefix, or starts after the prefix without starting with it.
 */
export function pageMayHold(leaf: LeafMeta, prefix: string): boolean {
  if (prefix === "") return true;
  if (comparePaths(leaf.lastPath, prefix) < 0) return false;
  return comparePaths(leaf.firstPath, prefix) <= 0 || leaf.firstPath.startsWith(prefix);
}

/** A page of entries whose path starts with `prefix`, after `after` (the previous page's last path). */
export async function listFiles(
  db: D1Database,
  teamId: string,
  leaves: readonly LeafMeta[],
  options: { prefix: string; after: string | null; limit: number },
): Promise<FilesPage> {
  const { prefix, after, limit } = options;
  const candidates = leaves.filter(
    (leaf) => pageMayHold(leaf, prefix) && (after === null || comparePaths(leaf.lastPath, after) > 0),
  );
  const files: ManifestEntry[] = [];
  let pagesRead = 0;
  for (let i = 0; i < candidates.length; i++) {
    const leaf = candidates[i] as LeafMeta;
    const entries = await requirePageEntries(db, teamId, leaf.digest);
    pagesRead++;
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e] as ManifestEntry;
      if (after !== null && comparePaths(entry.path, after) <= 0) continue;
      if (!entry.path.startsWith(prefix)) {
        // Past the run of prefixed paths: nothing later can match.
        if (comparePaths(entry.path, prefix) > 0) return { files, nextCursor: null, pagesRead };
        continue;
      }
      if (files.length === limit) return { files, nextCursor: encodeCursor(lastPath(files)), pagesRead };
      files.push(entry);
    }
    // Full at the end of a page: say there may be more rather than read another page to find out.
    if (files.length === limit && i + 1 < candidates.length) {
      return { files, nextCursor: encodeCursor(lastPath(files)), pagesRead };
    }
  }
  return { files, nextCursor: null, pagesRead };
}

function lastPath(files: readonly ManifestEntry[]): string {
  return (files[files.length - 1] as ManifestEntry).path;
}

/** The entries of `paths` that the version has (by path), reading only the pages those paths fall in. */
export async function findEntries(
  db: D1Database,
  teamId: string,
  leaves: readonly LeafMeta[],
  paths: readonly string[],
): Promise<Map<string, ManifestEntry>> {
  const byPage = new Map<string, string[]>();
  for (const path of new Set(paths)) {
    const leaf = pageFor(leaves, path);
    if (!leaf) continue;
    byPage.set(leaf.digest, [...(byPage.get(leaf.digest) ?? []), path]);
  }
  const found = new Map<string, ManifestEntry>();
  for (const [digest, wanted] of byPage) {
    const entries = await requirePageEntries(db, teamId, digest);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    for (const path of wanted) {
      const entry = byPath.get(path);
      if (entry) found.set(path, entry);
    }
  }
  return found;
}

/** The leaf whose range holds `path`, by binary search over the ordered leaves. */
function pageFor(leaves: readonly LeafMeta[], path: string): LeafMeta | null {
  let lo = 0;
  let hi = leaves.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const leaf = leaves[mid] as LeafMeta;
    if (comparePaths(path, leaf.firstPath) < 0) hi = mid - 1;
    else if (comparePaths(path, leaf.lastPath) > 0) lo = mid + 1;
    else return leaf;
  }
  return null;
}
