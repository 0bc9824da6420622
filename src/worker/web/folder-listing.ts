/**
 * @module One screen of a version's folder view. Listing files by prefix (`listFiles`) returns every entry
 * under the prefix, so grouping its answer into sub-folders would read a 100,000-file folder in full. Here
 * the leaf pages' path ranges (already loaded with the version's index) do most of the work: a page whose
 * first and last paths lie in the same sub-folder is counted from its entry count without being read; only
 * pages that hold direct files or a boundary between sub-folders are read, in batches.
 */
import { comparePaths, type ManifestEntry } from "../../shared/manifest.ts";
import type { LeafMeta } from "../../shared/rechunk.ts";
import { decodeCursor, encodeCursor, pageMayHold } from "../domain/files.ts";
import { loadLeaves, loadPagesEntries } from "../domain/manifests.ts";
import { resolveVersion } from "../domain/versions.ts";

/** Folders plus files shown on one screen. */
export const MAX_ROWS = 300;
/** Leaf pages read per screen at most; past it the screen ends with a "next page" link. */
export const MAX_PAGES_READ = 120;
/** Pages per read: starts small (a flat folder needs few) and doubles (a folder of folders needs many). */
const FIRST_BATCH = 2;
const MAX_BATCH = 20;

export interface FolderEntry {
  name: string;
  files: number;
  /** Total size when every entry of the folder was read; null when whole pages were counted unread. */
  size: number | null;
  /** true when this screen ends inside the folder: the counts are lower bounds. */
  partial: boolean;
}

export interface FolderScreen {
  /** The version number the selector resolved to. */
  version: number;
  prefix: string;
  cursor: string | null;
  nextCursor: string | null;
  folders: FolderEntry[];
  files: ManifestEntry[];
  leafPages: number;
  pagesRead: number;
}

export interface FolderRequest {
  env: Env;
  origin: string;
  teamId: string;
  project: string;
  artifact: string;
  selector: string;
  prefix: string;
  cursor: string | null;
}

/** The sub-folder of `prefix` that `path` lies in, or null for a direct file or a path outside the prefix. */
export function folderOf(path: string, prefix: string): string | null {
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  const slash = rest.indexOf("/");
  return slash < 0 ? null : rest.slice(0, slash);
}

/** The sub-folder holding every entry of the page, or null when the page must be read. */
function wholeFolder(leaf: LeafMeta, prefix: string): string | null {
  const first = folderOf(leaf.firstPath, prefix);
  return first !== null && first === folderOf(leaf.lastPath, prefix) ? first : null;
}

export async function listFolder(req: FolderRequest): Promise<FolderScreen> {
  const { prefix } = req;
  const record = await resolveVersion(req.env, req.teamId, req.project, req.artifact, req.selector);
  const leaves = await loadLeaves(req.env.DB, record.teamId, record.root);
  const after = req.cursor === null ? null : decodeCursor(req.cursor);
  const candidates = leaves.filter(
    (leaf) => pageMayHold(leaf, prefix) && (after === null || comparePaths(leaf.lastPath, after) > 0),
  );
  // A page that starts at or before the cursor is only partly on this screen: read it.
  const mustRead = (leaf: LeafMeta) =>
    wholeFolder(leaf, prefix) === null || (after !== null && comparePaths(leaf.firstPath, after) <= 0);

  const folders = new Map<string, FolderEntry>();
  const files: ManifestEntry[] = [];
  const loaded = new Map<string, ManifestEntry[]>();
  let pagesRead = 0;
  let batchSize = FIRST_BATCH;
  let last: string | null = null;
  let finished = true;
  const rows = () => folders.size + files.length;
  const folder = (name: string) => {
    const existing = folders.get(name);
    if (existing) return existing;
    const created: FolderEntry = { name, files: 0, size: 0, partial: false };
    folders.set(name, created);
    return created;
  };

  scan: for (let i = 0; i < candidates.length; i++) {
    const leaf = candidates[i] as LeafMeta;
    if (!mustRead(leaf)) {
      const name = wholeFolder(leaf, prefix) as string;
      if (!folders.has(name) && rows() >= MAX_ROWS) {
        finished = false;
        break;
      }
      const entry = folder(name);
      entry.files += leaf.entryCount;
      entry.size = null;
      last = leaf.lastPath;
      continue;
    }
    if (!loaded.has(leaf.digest)) {
      if (pagesRead >= MAX_PAGES_READ) {
        finished = false;
        break;
      }
      const batch = candidates
        .slice(i)
        .filter(mustRead)
        .slice(0, Math.min(batchSize, MAX_PAGES_READ - pagesRead))
        .map((l) => l.digest);
      batchSize = Math.min(MAX_BATCH, batchSize * 2);
      for (const [digest, entries] of await loadPagesEntries(req.env.DB, record.teamId, batch)) {
        loaded.set(digest, entries);
      }
      pagesRead += batch.length;
    }
    const entries = loaded.get(leaf.digest);
    if (!entries) throw new Error(`page ${leaf.digest} of a committed version is missing`);
    for (const entry of entries) {
      if (after !== null && comparePaths(entry.path, after) <= 0) continue;
      if (!entry.path.startsWith(prefix)) {
        if (comparePaths(entry.path, prefix) > 0) break scan; // past the run of prefixed paths
        continue;
      }
      const name = folderOf(entry.path, prefix);
      if ((name === null || !folders.has(name)) && rows() >= MAX_ROWS) {
        finished = false;
        break scan;
      }
      if (name === null) files.push(entry);
      else {
        const f = folder(name);
        f.files++;
        if (f.size !== null) f.size += entry.size ?? 0;
      }
      last = entry.path;
    }
  }
  if (!finished && last !== null) {
    const open = folderOf(last, prefix);
    const f = open === null ? undefined : folders.get(open);
    if (f) f.partial = true;
  }

  return {
    version: record.number,
    prefix,
    cursor: req.cursor,
    nextCursor: finished || last === null ? null : encodeCursor(last),
    folders: [...folders.values()],
    files,
    leafPages: leaves.length,
    pagesRead,
  };
}
