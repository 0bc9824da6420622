/**
 * @module Applies path changes to a manifest that is already cut into pages, re-cutting only the pages the
 * changes fall in (and the few after them until the cuts line up again). The result is exactly what
 * `cutLeafPages` gives for the whole changed manifest, at a cost in proportion to the change.
 */
import {
  comparePaths,
  isLeafBoundary,
  LEAF_MAX_ENTRIES,
  type LeafPage,
  type ManifestEntry,
  makeLeafPage,
} from "./manifest.ts";

/** What the caller knows about an existing page without reading its entries. */
export interface LeafMeta {
  digest: string;
  firstPath: string;
  lastPath: string;
  entryCount: number;
  bytes: number;
}

export type EntryChange = { op: "put"; entry: ManifestEntry } | { op: "remove"; path: string };

export interface RechunkResult {
  /** The new manifest's pages in order: unchanged ones as they were, changed ones as new pages. */
  leaves: (LeafMeta | LeafPage)[];
  /** Pages that did not exist in the base. */
  newPages: LeafPage[];
  /** Removals that named a path the base did not have. */
  missingRemovals: string[];
  /** How many base pages had to be read. */
  pagesRead: number;
}

function changePath(change: EntryChange): string {
  return change.op === "put" ? change.entry.path : change.path;
}

/** Index of the page a path belongs to: the last page whose first path is ≤ path (0 when before all). */
function pageIndexFor(base: readonly LeafMeta[], path: string): number {
  let lo = 0;
  let hi = base.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (comparePaths((base[mid] as LeafMeta).firstPath, path) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * @param base the base version's pages in order
 * @param changes sorted by path (comparePaths) and unique by path
 * @param loadEntries reads one base page's entries
 */
export async function applyChanges(
  base: readonly LeafMeta[],
  changes: readonly EntryChange[],
  loadEntries: (digest: string) => Promise<ManifestEntry[]>,
): Promise<RechunkResult> {
  const changesByPage = new Map<number, EntryChange[]>();
  for (const change of changes) {
    const index = base.length === 0 ? 0 : pageIndexFor(base, changePath(change));
    const list = changesByPage.get(index) ?? [];
    list.push(change);
    changesByPage.set(index, list);
  }

  const leaves: (LeafMeta | LeafPage)[] = [];
  const newPages: LeafPage[] = [];
  const missingRemovals: string[] = [];
  let pagesRead = 0;
  let pending: ManifestEntry[] = [];

  const emit = (entry: ManifestEntry) => {
    pending.push(entry);
    if (pending.length >= LEAF_MAX_ENTRIES || isLeafBoundary(entry.path)) flush();
  };
  const flush = () => {
    if (pending.length === 0) return;
    const page = makeLeafPage(pending);
    leaves.push(page);
    newPages.push(page);
    pending = [];
  };

  if (base.length === 0) {
    for (const change of changes) {
      if (change.op === "put") emit(change.entry);
      else missingRemovals.push(change.path);
    }
    flush();
    return { leaves, newPages, missingRemovals, pagesRead };
  }

  for (let i = 0; i < base.length; i++) {
    const page = base[i] as LeafMeta;
    const pageChanges = changesByPage.get(i);
    // A page is kept as it is when nothing changes in it and the cut before it lines up with the base.
    if (!pageChanges && pending.length === 0) {
      leaves.push(page);
      continue;
    }
    const entries = await loadEntries(page.digest);
    pagesRead++;
    mergeInto(entries, pageChanges ?? [], emit, missingRemovals);
  }
  flush();

  // A re-cut page can come out identical to a base page (e.g. a change that was undone); keep it shared.
  const baseDigests = new Set(base.map((page) => page.digest));
  return {
    leaves,
    newPages: newPages.filter((page) => !baseDigests.has(page.digest)),
    missingRemovals,
    pagesRead,
  };
}

function mergeInto(
  entries: readonly ManifestEntry[],
  changes: readonly EntryChange[],
  emit: (entry: ManifestEntry) => void,
  missingRemovals: string[],
): void {
  let e = 0;
  let c = 0;
  while (e < entries.length || c < changes.length) {
    const entry = entries[e];
    const change = changes[c];
    const order = !entry ? 1 : !change ? -1 : comparePaths(entry.path, changePath(change));
    if (order < 0 && entry) {
      emit(entry);
      e++;
    } else if (change) {
      if (order === 0) e++; // the change replaces or removes this entry
      if (change.op === "put") emit(change.entry);
      else if (order !== 0) missingRemovals.push(change.path);
      c++;
    }
  }
}
