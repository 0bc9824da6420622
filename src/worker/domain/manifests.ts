/**
 * @module Manifest pages in D1: storing and loading leaf pages (canonical text) and index pages (leaf
 * lists with path ranges), and reading a version's leaves back from its root.
 */
import {
  canonicalPage,
  cutIndexPages,
  indexPageDigest,
  type LeafPage,
  type ManifestEntry,
  parsePage,
} from "../../shared/manifest.ts";
import type { LeafMeta } from "../../shared/rechunk.ts";

/** D1 allows 100 bound parameters per statement; one is the team. */
const IN_CHUNK = 98;
/** Rows per multi-row INSERT: 8 columns × 12 = 96 parameters. */
const PAGE_ROWS_PER_STATEMENT = 12;
/** Keep one INSERT's bound text modest even when pages are large (long paths). */
const BYTES_PER_STATEMENT = 512 * 1024;

export interface StoredLeafMeta extends LeafMeta {
  blobsVerified: boolean;
}

interface PageMetaRow {
  digest: string;
  first_path: string;
  last_path: string;
  entry_count: number;
  bytes: number;
  blobs_verified: number;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function placeholders(n: number): string {
  return new Array(n).fill("?").join(", ");
}

/** Leaf page metadata for the digests the team has (absent ones are simply not in the map). */
export async function loadLeafMetas(
  db: D1Database,
  teamId: string,
  digests: readonly string[],
): Promise<Map<string, StoredLeafMeta>> {
  const found = new Map<string, StoredLeafMeta>();
  const unique = [...new Set(digests)];
  const statements = chunks(unique, IN_CHUNK).map((part) =>
    db
      .prepare(
        `SELECT digest, first_path, last_path, entry_count, bytes, blobs_verified FROM pages
         WHERE team_id = ? AND digest IN (${placeholders(part.length)})`,
      )
      .bind(teamId, ...part),
  );
  if (statements.length === 0) return found;
  const results = await db.batch<PageMetaRow>(statements);
  for (const result of results) {
    for (const row of result.results) {
      found.set(row.digest, {
        digest: row.digest,
        firstPath: row.first_path,
        lastPath: row.last_path,
        entryCount: row.entry_count,
        bytes: row.bytes,
        blobsVerified: row.blobs_verified === 1,
      });
    }
  }
  return found;
}

/** The digests (in the order given, without repeats) the team does not have as leaf pages. */
export async function missingPages(db: D1Database, teamId: string, digests: readonly string[]) {
  const have = await loadLeafMetas(db, teamId, digests);
  return [...new Set(digests)].filter((digest) => !have.has(digest));
}

/**
 * Stores leaf pages once per team. `blobsVerified` pages (their blobs were checked by the caller) also
 * upgrade an existing unverified copy; the mark is never taken away.
 */
export async function storePages(
  db: D1Database,
  teamId: string,
  pages: readonly LeafPage[],
  blobsVerified: boolean,
): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  let group: LeafPage[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length === 0) return;
    const values: (string | number)[] = [];
    for (const page of group) {
      values.push(
        teamId,
        page.digest,
        canonicalPage(page.entries),
        page.firstPath,
        page.lastPath,
        page.entries.length,
        page.bytes,
        blobsVerified ? 1 : 0,
      );
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO pages (team_id, digest, body, first_path, last_path, entry_count, bytes, blobs_verified)
           VALUES ${group.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
           ON CONFLICT (team_id, digest) DO UPDATE SET blobs_verified = MAX(blobs_verified, excluded.blobs_verified)`,
        )
        .bind(...values),
    );
    group = [];
    groupBytes = 0;
  };
  for (const page of pages) {
    const size = page.entries.length * 100;
    if (
      group.length >= PAGE_ROWS_PER_STATEMENT ||
      (group.length > 0 && groupBytes + size > BYTES_PER_STATEMENT)
    ) {
      flush();
    }
    group.push(page);
    groupBytes += size;
  }
  flush();
  if (statements.length > 0) await db.batch(statements);
}

/** Sets the never-unset `blobs_verified` mark on pages whose blobs were all found verified. */
export async function markPagesVerified(db: D1Database, teamId: string, digests: readonly string[]) {
  const statements = chunks([...new Set(digests)], IN_CHUNK).map((part) =>
    db
      .prepare(
        `UPDATE pages SET blobs_verified = 1 WHERE team_id = ? AND digest IN (${placeholders(part.length)})`,
      )
      .bind(teamId, ...part),
  );
  if (statements.length > 0) await db.batch(statements);
}

/** Entries of one leaf page, or null when the team does not have it. */
export async function loadPageEntries(
  db: D1Database,
  teamId: string,
  digest: string,
): Promise<ManifestEntry[] | null> {
  const row = await db
    .prepare("SELECT body FROM pages WHERE team_id = ? AND digest = ?")
    .bind(teamId, digest)
    .first<{ body: string }>();
  return row ? parsePage(row.body) : null;
}

/** Loads a page that a committed version names; its absence is a broken invariant, not a user error. */
export async function requirePageEntries(
  db: D1Database,
  teamId: string,
  digest: string,
): Promise<ManifestEntry[]> {
  const entries = await loadPageEntries(db, teamId, digest);
  if (!entries) throw new Error(`page ${digest} of a committed version is missing`);
  return entries;
}

/** Page bodies for several digests at once (for checking blobs of unverified pages). */
export async function loadPagesEntries(
  db: D1Database,
  teamId: string,
  digests: readonly string[],
): Promise<Map<string, ManifestEntry[]>> {
  const found = new Map<string, ManifestEntry[]>();
  // Bodies can be large: a few pages per query keeps each result small.
  for (const part of chunks([...new Set(digests)], 20)) {
    const { results } = await db
      .prepare(
        `SELECT digest, body FROM pages WHERE team_id = ? AND digest IN (${placeholders(part.length)})`,
      )
      .bind(teamId, ...part)
      .all<{ digest: string; body: string }>();
    for (const row of results) found.set(row.digest, parsePage(row.body));
  }
  return found;
}

type IndexRow = [string, string, string, number, number];

/** Groups leaves into index pages, stores the new ones, and returns the version's root (their digests). */
export async function storeIndexPages(
  db: D1Database,
  teamId: string,
  leaves: readonly LeafMeta[],
): Promise<string[]> {
  const groups = cutIndexPages(leaves);
  const root: string[] = [];
  const statements: D1PreparedStatement[] = [];
  for (const group of groups) {
    const digest = indexPageDigest(group.map((leaf) => leaf.digest));
    root.push(digest);
    const body: IndexRow[] = group.map((leaf) => [
      leaf.digest,
      leaf.firstPath,
      leaf.lastPath,
      leaf.entryCount,
      leaf.bytes,
    ]);
    statements.push(
      db
        .prepare("INSERT OR IGNORE INTO index_pages (team_id, digest, body) VALUES (?, ?, ?)")
        .bind(teamId, digest, JSON.stringify(body)),
    );
  }
  // Index pages already stored (by an earlier version) need no write at all.
  const existing = new Set<string>();
  for (const part of chunks([...new Set(root)], IN_CHUNK)) {
    const { results } = await db
      .prepare(
        `SELECT digest FROM index_pages WHERE team_id = ? AND digest IN (${placeholders(part.length)})`,
      )
      .bind(teamId, ...part)
      .all<{ digest: string }>();
    for (const row of results) existing.add(row.digest);
  }
  const fresh = statements.filter((_, i) => !existing.has(root[i] ?? ""));
  for (const part of chunks(fresh, 50)) await db.batch(part);
  return root;
}

/** A version's leaves, in order, read from its index pages. */
export async function loadLeaves(
  db: D1Database,
  teamId: string,
  root: readonly string[],
): Promise<LeafMeta[]> {
  const bodies = new Map<string, string>();
  for (const part of chunks([...new Set(root)], IN_CHUNK)) {
    const { results } = await db
      .prepare(
        `SELECT digest, body FROM index_pages WHERE team_id = ? AND digest IN (${placeholders(part.length)})`,
      )
      .bind(teamId, ...part)
      .all<{ digest: string; body: string }>();
    for (const row of results) bodies.set(row.digest, row.body);
  }
  const leaves: LeafMeta[] = [];
  for (const digest of root) {
    const body = bodies.get(digest);
    if (body === undefined) throw new Error(`index page ${digest} of a committed version is missing`);
    for (const [leaf, firstPath, lastPath, entryCount, bytes] of JSON.parse(body) as IndexRow[]) {
      leaves.push({ digest: leaf, firstPath, lastPath, entryCount, bytes });
    }
  }
  return leaves;
}
