/**
 * @module The checks a commit must pass before anything is written: the run exists, the type fits, the
 * pages exist and are cut canonically, and every blob they name is verified for the team (invariant 3).
 */
import {
  comparePaths,
  cutLeafPages,
  isLeafBoundary,
  isReference,
  LEAF_MAX_ENTRIES,
  type LeafPage,
  type ManifestEntry,
  sortEntries,
} from "../../shared/manifest.ts";
import { createDb } from "../db/client.ts";
import { ApiError } from "../errors.ts";
import { verifiedBlobKeys } from "./blobs.ts";
import { loadLeafMetas, loadPagesEntries, markPagesVerified, type StoredLeafMeta } from "./manifests.ts";
import { touchOpenRun } from "./runs.ts";

/** How many missing sha256s an error lists. */
const MISSING_LISTED = 100;
/** Unverified pages whose bodies are read (and blobs looked up) at a time. */
const PAGES_PER_BLOB_CHECK = 40;

/**
 * An output edge names an open run of the same team and project: an unknown one is a 404 and a closed
 * (finished) one a 409 before any write. Touching it refreshes its heartbeat (see docs/LINEAGE.md).
 */
export async function requireRun(db: D1Database, teamId: string, projectId: string, runId: string) {
  await touchOpenRun(createDb(db), teamId, runId, projectId);
}

/** The artifact row in the D1 mirror, if any. */
export async function findArtifact(db: D1Database, projectId: string, name: string) {
  return db
    .prepare("SELECT id, type FROM artifacts WHERE project_id = ? AND name = ?")
    .bind(projectId, name)
    .first<{ id: string; type: string }>();
}

/** Refuses early (the artifact object checks again, as the source of truth) when the type differs. */
export async function requireTypeFits(db: D1Database, projectId: string, name: string, type: string) {
  const artifact = await findArtifact(db, projectId, name);
  if (artifact && artifact.type !== type) {
    throw new ApiError("type_mismatch", `artifact '${name}' has type '${artifact.type}', not '${type}'`, {
      type: artifact.type,
    });
  }
}

/** Inline entries → sorted, unique, cut into pages. A repeated path is a 400 naming it. */
export function pagesFromEntries(entries: ManifestEntry[]): LeafPage[] {
  const sorted = sortEntries([...entries]);
  for (let i = 1; i < sorted.length; i++) {
    const path = (sorted[i] as ManifestEntry).path;
    if (path === (sorted[i - 1] as ManifestEntry).path) {
      throw new ApiError("validation_failed", `path '${path}' appears more than once`, { path });
    }
  }
  return cutLeafPages(sorted);
}

/** Fails with 422 blob_missing unless every blob entry's sha256 is verified for this team. */
export async function requireBlobs(db: D1Database, teamId: string, entries: readonly ManifestEntry[]) {
  const missing = await missingBlobsOf(db, teamId, entries, new Map());
  if (missing.length > 0) throw blobMissing(missing);
}

/**
 * The sha256s of `entries` not verified for the team (not already in `known`). `known` remembers each
 * looked-up sha256's verified size (null: missing) across calls. An entry whose size is not its blob's
 * size is refused: a download of it could never verify.
 */
async function missingBlobsOf(
  db: D1Database,
  teamId: string,
  entries: readonly ManifestEntry[],
  known: Map<string, number | null>,
): Promise<string[]> {
  const lookup = new Set<string>();
  for (const entry of entries) if (!isReference(entry) && !known.has(entry.sha256)) lookup.add(entry.sha256);
  const found = await verifiedBlobKeys(db, teamId, [...lookup]);
  const missing: string[] = [];
  for (const sha of lookup) {
    const blob = found.get(sha);
    known.set(sha, blob ? blob.size : null);
    if (!blob) missing.push(sha);
  }
  for (const entry of entries) {
    if (isReference(entry)) continue;
    const size = known.get(entry.sha256);
    if (size !== null && size !== undefined && size !== entry.size) {
      throw new ApiError(
        "validation_failed",
        `entry '${entry.path}' gives size ${entry.size}, but blob ${entry.sha256} has ${size} bytes`,
        { path: entry.path },
      );
    }
  }
  return missing;
}

function blobMissing(missing: string[]): ApiError {
  // Another team's copy of a blob counts as missing too: the message says nothing about who has what.
  return new ApiError(
    "blob_missing",
    `${missing.length}${missing.length >= MISSING_LISTED ? " or more" : ""} blob(s) are not uploaded and verified; upload them (POST /blobs/prepare, then /blobs/complete) and commit again`,
    { missing: missing.slice(0, MISSING_LISTED) },
  );
}

/**
 * Checks a list of uploaded leaf pages for a commit: present, in strictly increasing path order, every
 * page but the last closed (so the digests are the canonical cut), every blob verified. Marks the pages
 * whose blobs were checked. Returns their metadata in order.
 */
export async function checkedLeaves(
  db: D1Database,
  teamId: string,
  digests: readonly string[],
): Promise<StoredLeafMeta[]> {
  const metas = await loadLeafMetas(db, teamId, digests);
  const absent = [...new Set(digests.filter((digest) => !metas.has(digest)))];
  if (absent.length > 0) {
    throw new ApiError(
      "page_missing",
      `${absent.length} page(s) are not uploaded; upload them with POST /pages and commit again`,
      { missing: absent.slice(0, MISSING_LISTED) },
    );
  }
  const leaves = digests.map((digest) => metas.get(digest) as StoredLeafMeta);
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i] as StoredLeafMeta;
    const next = leaves[i + 1];
    if (!next) break;
    if (comparePaths(leaf.lastPath, next.firstPath) >= 0) {
      throw new ApiError(
        "validation_failed",
        `pages must be in path order without overlap: page ${i + 1} (${next.digest}) starts at '${next.firstPath}', not after '${leaf.lastPath}'`,
        { page: next.digest },
      );
    }
    if (leaf.entryCount < LEAF_MAX_ENTRIES && !isLeafBoundary(leaf.lastPath)) {
      throw new ApiError(
        "validation_failed",
        `page ${i} (${leaf.digest}) ends at '${leaf.lastPath}', which is not a page boundary; cut the manifest with the page function`,
        { page: leaf.digest },
      );
    }
  }
  await requireBlobsOfPages(
    db,
    teamId,
    leaves.filter((leaf) => !leaf.blobsVerified).map((leaf) => leaf.digest),
  );
  return leaves;
}

/** Blob check for pages not yet marked, a few pages at a time; marks them only when all pass. */
async function requireBlobsOfPages(db: D1Database, teamId: string, digests: readonly string[]) {
  const unique = [...new Set(digests)];
  const known = new Map<string, number | null>();
  const missing: string[] = [];
  for (let i = 0; i < unique.length && missing.length < MISSING_LISTED; i += PAGES_PER_BLOB_CHECK) {
    const bodies = await loadPagesEntries(db, teamId, unique.slice(i, i + PAGES_PER_BLOB_CHECK));
    missing.push(...(await missingBlobsOf(db, teamId, [...bodies.values()].flat(), known)));
  }
  if (missing.length > 0) throw blobMissing(missing);
  await markPagesVerified(db, teamId, unique);
}
