/**
 * @module The difference between two versions. A page both versions have holds the same entries in
 * both, so only pages one side lacks are read, lazily and in path order, until a page of results is full.
 */
import { canonicalLine, comparePaths, type ManifestEntry } from "../../shared/manifest.ts";
import type { LeafMeta } from "../../shared/rechunk.ts";
import { encodeCursor } from "./files.ts";
import { requirePageEntries } from "./manifests.ts";

export interface DiffPage {
  added: ManifestEntry[];
  removed: ManifestEntry[];
  changed: { path: string; from: ManifestEntry; to: ManifestEntry }[];
  nextCursor: string | null;
  pagesRead: number;
}

/** Entries of the pages only one side has, in path order, after `after`, read a page at a time. */
class EntryStream {
  private pageIndex = 0;
  private entries: ManifestEntry[] = [];
  private entryIndex = 0;
  pagesRead = 0;

  constructor(
    private readonly db: D1Database,
    private readonly teamId: string,
    private readonly pages: readonly LeafMeta[],
    private readonly after: string | null,
  ) {}

  async peek(): Promise<ManifestEntry | null> {
    for (;;) {
      const entry = this.entries[this.entryIndex];
      if (entry) {
        if (this.after !== null && comparePaths(entry.path, this.after) <= 0) {
          this.entryIndex++;
          continue;
        }
        return entry;
      }
      const page = this.pages[this.pageIndex];
      if (!page) return null;
      this.pageIndex++;
      if (this.after !== null && comparePaths(page.lastPath, this.after) <= 0) continue;
      this.entries = await requirePageEntries(this.db, this.teamId, page.digest);
      this.entryIndex = 0;
      this.pagesRead++;
    }
  }

  next(): void {
    this.entryIndex++;
  }
}

export async function diffVersions(
  db: D1Database,
  teamId: string,
  fromLeaves: readonly LeafMeta[],
  toLeaves: readonly LeafMeta[],
  options: { after: string | null; limit: number },
): Promise<DiffPage> {
  const fromDigests = new Set(fromLeaves.map((leaf) => leaf.digest));
  const toDigests = new Set(toLeaves.map((leaf) => leaf.digest));
  const from = new EntryStream(
    db,
    teamId,
    fromLeaves.filter((leaf) => !toDigests.has(leaf.digest)),
    options.after,
  );
  const to = new EntryStream(
    db,
    teamId,
    toLeaves.filter((leaf) => !fromDigests.has(leaf.digest)),
    options.after,
  );
  const result: DiffPage = { added: [], removed: [], changed: [], nextCursor: null, pagesRead: 0 };
  let count = 0;
  let last: string | null = null;
  for (;;) {
    const a = await from.peek();
    const b = await to.peek();
    if (!a && !b) break;
    const order = !a ? 1 : !b ? -1 : comparePaths(a.path, b.path);
    const path = order <= 0 ? (a as ManifestEntry).path : (b as ManifestEntry).path;
    // Equal entries in differing pages are not changes (a page can differ elsewhere).
    const isChange = order !== 0 || canonicalLine(a as ManifestEntry) !== canonicalLine(b as ManifestEntry);
    if (isChange && count === options.limit) {
      result.nextCursor = last === null ? null : encodeCursor(last);
      break;
    }
    if (order < 0 && a) {
      result.removed.push(a);
      from.next();
    } else if (order > 0 && b) {
      result.added.push(b);
      to.next();
    } else if (a && b) {
      if (isChange) result.changed.push({ path, from: a, to: b });
      from.next();
      to.next();
    }
    if (isChange) {
      count++;
      last = path;
    }
  }
  result.pagesRead = from.pagesRead + to.pagesRead;
  return result;
}
