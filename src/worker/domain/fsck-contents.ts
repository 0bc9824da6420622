/**
 * @module fsck of what committed versions point at: index pages, leaf pages, the version's digest and
 * totals, verified blob rows and their objects in R2 (invariants 1 and 3). Results are cached per page
 * and per blob, so versions sharing pages cost one check; page bodies are dropped once checked.
 */
import type { FsckKind } from "../../shared/fsck.ts";
import { isReference, manifestDigest } from "../../shared/manifest.ts";
import type { StoredVersion } from "../do/artifact-types.ts";
import { verifiedBlobKeys } from "./blobs.ts";
import { loadPagesEntries } from "./manifests.ts";
import { mapLimit } from "./map-limit.ts";

/** D1 allows 100 bound parameters per statement; one is the team. */
const IN_CHUNK = 98;
/** Leaf pages whose bodies are held at once. */
const LEAVES_PER_ROUND = 20;
/** A Worker request may hold 6 outgoing connections. */
const HEAD_CONCURRENCY = 6;
/** Paths named in one violation's detail. */
const PATHS_LISTED = 3;

type IndexRow = [string, string, string, number, number];

export interface Problem {
  kind: FsckKind;
  detail: string;
}

interface BlobState {
  /** Size of the verified row, or null when the team has no verified blob with this sha256. */
  verifiedSize: number | null;
  /** Size of the R2 object, or null when it is absent (undefined: not looked at, the row is missing). */
  objectSize?: number | null;
  /** Etag recorded at verification, and the object's etag now (absent when not looked at). */
  verifiedEtag?: string;
  objectEtag?: string;
}

/** Everything already checked during one fsck request, and how much of it there was. */
export class ContentChecker {
  private readonly indexPages = new Map<string, IndexRow[] | null>();
  private readonly leafProblems = new Map<string, Problem[]>();
  private readonly blobs = new Map<string, BlobState>();

  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly teamId: string,
  ) {}

  get counts() {
    return { indexPages: this.indexPages.size, pages: this.leafProblems.size, blobs: this.blobs.size };
  }

  /** The problems of one committed version's contents (deleted ones too: their pages are kept). */
  async check(version: StoredVersion): Promise<Problem[]> {
    await this.loadIndexPages(version.root);
    const problems: Problem[] = [];
    const leaves: IndexRow[] = [];
    for (const digest of version.root) {
      const rows = this.indexPages.get(digest);
      if (!rows) problems.push({ kind: "index_page_missing", detail: `index page ${digest} is missing` });
      else leaves.push(...rows);
    }
    if (problems.length > 0) return problems;

    const digest = manifestDigest(leaves.map((leaf) => leaf[0]));
    const files = leaves.reduce((sum, leaf) => sum + leaf[3], 0);
    const bytes = leaves.reduce((sum, leaf) => sum + leaf[4], 0);
    if (digest !== version.digest || files !== version.fileCount || bytes !== version.totalSize) {
      problems.push({
        kind: "version_content_differs",
        detail: `pages give digest ${digest}, ${files} files, ${bytes} bytes; the version says ${version.digest}, ${version.fileCount} files, ${version.totalSize} bytes`,
      });
    }
    const unique = [...new Set(leaves.map((leaf) => leaf[0]))];
    const unchecked = unique.filter((leaf) => !this.leafProblems.has(leaf));
    for (let i = 0; i < unchecked.length; i += LEAVES_PER_ROUND) {
      await this.checkLeaves(unchecked.slice(i, i + LEAVES_PER_ROUND));
    }
    for (const leaf of unique) problems.push(...(this.leafProblems.get(leaf) ?? []));
    return problems;
  }

  private async loadIndexPages(root: readonly string[]): Promise<void> {
    const wanted = [...new Set(root)].filter((digest) => !this.indexPages.has(digest));
    for (let i = 0; i < wanted.length; i += IN_CHUNK) {
      const part = wanted.slice(i, i + IN_CHUNK);
      const { results } = await this.db
        .prepare(
          `SELECT digest, body FROM index_pages WHERE team_id = ? AND digest IN (${part.map(() => "?").join(", ")})`,
        )
        .bind(this.teamId, ...part)
        .all<{ digest: string; body: string }>();
      for (const digest of part) this.indexPages.set(digest, null);
      for (const row of results) this.indexPages.set(row.digest, JSON.parse(row.body) as IndexRow[]);
    }
  }

  private async checkLeaves(digests: string[]): Promise<void> {
    const bodies = await loadPagesEntries(this.db, this.teamId, digests);
    const shas = new Set<string>();
    for (const entries of bodies.values()) {
      for (const entry of entries) if (!isReference(entry)) shas.add(entry.sha256);
    }
    await this.checkBlobs([...shas].filter((sha) => !this.blobs.has(sha)));
    for (const digest of digests) {
      const entries = bodies.get(digest);
      if (!entries) {
        this.leafProblems.set(digest, [{ kind: "page_missing", detail: `leaf page ${digest} is missing` }]);
        continue;
      }
      // One problem per blob (not per entry): the same content under many paths is one fault.
      const bySha = new Map<string, { kind: FsckKind; why: string; paths: string[] }>();
      for (const entry of entries) {
        if (isReference(entry)) continue;
        const state = this.blobs.get(entry.sha256);
        const found = state ? blobProblem(state, entry.size) : null;
        if (!found) continue;
        const seen = bySha.get(entry.sha256);
        if (seen) seen.paths.push(entry.path);
        else bySha.set(entry.sha256, { ...found, paths: [entry.path] });
      }
      this.leafProblems.set(
        digest,
        [...bySha].map(([sha, { kind, why, paths }]) => ({
          kind,
          detail: `blob ${sha} (${describePaths(paths)}): ${why}`,
        })),
      );
    }
  }

  private async checkBlobs(shas: string[]): Promise<void> {
    if (shas.length === 0) return;
    const rows = await verifiedBlobKeys(this.db, this.teamId, shas);
    const heads = await mapLimit(shas, HEAD_CONCURRENCY, async (sha) => {
      const row = rows.get(sha);
      if (!row) return undefined;
      return this.bucket.head(row.r2Key);
    });
    shas.forEach((sha, i) => {
      const row = rows.get(sha);
      const head = heads[i];
      this.blobs.set(
        sha,
        row
          ? {
              verifiedSize: row.size,
              objectSize: head ? head.size : null,
              verifiedEtag: row.etag,
              ...(head ? { objectEtag: head.etag } : {}),
            }
          : { verifiedSize: null },
      );
    });
  }
}

function blobProblem(state: BlobState, entrySize: number): { kind: FsckKind; why: string } | null {
  if (state.verifiedSize === null) return { kind: "blob_unverified", why: "not verified for this team" };
  if (state.verifiedSize !== entrySize) {
    return {
      kind: "blob_unverified",
      why: `the entry says ${entrySize} bytes, the verified blob has ${state.verifiedSize}`,
    };
  }
  if (state.objectSize === null) return { kind: "blob_object_missing", why: "its object is absent from R2" };
  if (state.objectSize !== undefined && state.objectSize !== state.verifiedSize) {
    return {
      kind: "blob_object_size",
      why: `its object in R2 has ${state.objectSize} bytes, not ${state.verifiedSize}`,
    };
  }
  if (state.objectEtag !== undefined && state.objectEtag !== state.verifiedEtag) {
    return {
      kind: "blob_object_changed",
      why: `its object in R2 was rewritten after verification (etag ${state.objectEtag}, verified ${state.verifiedEtag}); downloads of it are refused`,
    };
  }
  return null;
}

function describePaths(paths: string[]): string {
  const shown = paths.slice(0, PATHS_LISTED).map((path) => `'${path}'`);
  const more = paths.length - shown.length;
  return `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}
