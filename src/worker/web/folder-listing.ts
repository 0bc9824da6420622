/**
 * @module One screen of a version's folder view, built on the files-by-prefix domain function (`listFiles`):
 * it reads only the manifest pages that cover the prefix, and jumps over each sub-folder once it is seen,
 * so a folder of 100 sub-folders × 1,000 files shows all 100 folders without reading 100,000 entries.
 */
import { isReference, type ManifestEntry } from "../../shared/manifest.ts";
import { verifiedBlobKeys } from "../domain/blobs.ts";
import { decodeCursor, encodeCursor, listFiles } from "../domain/files.ts";
import { loadLeaves } from "../domain/manifests.ts";
import { resolveVersion } from "../domain/versions.ts";
import { presign } from "../storage/presign.ts";

export const MAX_ROWS = 300;
/** Listing calls per screen: each reads at least one leaf page; a folder with more sub-folders pages on. */
export const MAX_CALLS = 60;
/** After a sub-folder, the next entries are probably another sub-folder: ask for few. */
const PROBE = 16;
/** Sorts after every path that starts with "<folder>/" (U+10FFFF is the highest code point). */
const PAST_FOLDER = "/\u{10FFFF}";

export interface FolderEntry {
  name: string;
  files: number;
  size: number;
  /** true when the listing jumped over the rest of the folder: counts are lower bounds */
  partial: boolean;
}

export interface FolderScreen {
  prefix: string;
  cursor: string | null;
  nextCursor: string | null;
  folders: FolderEntry[];
  files: (ManifestEntry & { url?: string })[];
  calls: number;
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

export async function listFolder(req: FolderRequest): Promise<FolderScreen> {
  const record = await resolveVersion(req.env, req.teamId, req.project, req.artifact, req.selector);
  const leaves = await loadLeaves(req.env.DB, record.teamId, record.root);
  const folders = new Map<string, FolderEntry>();
  const files: ManifestEntry[] = [];
  let after = req.cursor === null ? null : decodeCursor(req.cursor);
  let calls = 0;
  let pagesRead = 0;
  let limit = MAX_ROWS;
  let done = false;
  while (folders.size + files.length < MAX_ROWS && calls < MAX_CALLS) {
    const page = await listFiles(req.env.DB, record.teamId, leaves, { prefix: req.prefix, after, limit });
    calls++;
    pagesRead += page.pagesRead;
    let lastFolder: string | null = null;
    for (const entry of page.files) {
      const rest = entry.path.slice(req.prefix.length);
      const slash = rest.indexOf("/");
      if (slash < 0) {
        files.push(entry);
        lastFolder = null;
        continue;
      }
      const name = rest.slice(0, slash);
      const folder = folders.get(name) ?? { name, files: 0, size: 0, partial: false };
      folder.files++;
      folder.size += entry.size ?? 0;
      folders.set(name, folder);
      lastFolder = name;
    }
    const last = page.files[page.files.length - 1];
    if (page.nextCursor === null || !last) {
      done = true;
      break;
    }
    if (lastFolder !== null) {
      const folder = folders.get(lastFolder);
      if (folder) folder.partial = true;
      after = `${req.prefix}${lastFolder}${PAST_FOLDER}`;
      limit = PROBE;
    } else {
      after = last.path;
      limit = Math.max(PROBE, MAX_ROWS - folders.size - files.length);
    }
  }
  // A folder we jumped over may turn out complete when the listing ended right at its last entry; the
  // lower-bound mark is then merely cautious, never wrong.
  const shas = files.flatMap((entry) => (isReference(entry) ? [] : [entry.sha256]));
  const keys = shas.length > 0 ? await verifiedBlobKeys(req.env.DB, record.teamId, shas) : new Map();
  const ctx = { env: req.env, origin: req.origin };
  const withUrls = await Promise.all(
    files.map(async (entry) => {
      if (isReference(entry)) return entry;
      const blob = keys.get(entry.sha256);
      return blob ? { ...entry, url: (await presign(ctx, "GET", blob.r2Key)).url } : entry;
    }),
  );
  return {
    prefix: req.prefix,
    cursor: req.cursor,
    nextCursor: done || after === null ? null : encodeCursor(after),
    folders: [...folders.values()],
    files: withUrls,
    calls,
    pagesRead,
  };
}
