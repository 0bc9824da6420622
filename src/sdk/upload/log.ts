/**
 * @module Logging a version: resolve and hash the files, upload the blobs the server lacks, then commit
 * either the whole manifest as pages or, with a base version, only the changes through a draft.
 */
import { DRAFT_CHANGES_MAX } from "../../shared/api.ts";
import type { ManifestEntry } from "../../shared/manifest.ts";
import type { Artifact } from "../artifact.ts";
import type { Client } from "../client.ts";
import { CairnError } from "../errors.ts";
import { listFiles, type VersionAddress } from "../listing.ts";
import { type ProgressListener, ProgressTracker } from "../progress.ts";
import { captureReferenceChecksums } from "../references.ts";
import { chunks } from "../retry.ts";
import type { VersionView } from "../types.ts";
import { type LocalBlob, uploadBlobs } from "./blobs.ts";
import { hashFiles } from "./hash-files.ts";
import { planManifest, sendPages } from "./pages.ts";

/**
 * Options of `run.logArtifact` and `cairn put`.
 *
 * @example
 * ```ts
 * const options: LogOptions = { aliases: ["best"], tags: ["cleaned"] };
 * ```
 */
export interface LogOptions {
  aliases?: string[];
  tags?: string[];
  /** Project to log into; defaults to the run's or the configured one. */
  project?: string;
  /** Run that produced the version (the output edge); set by `run.logArtifact`. */
  runId?: string;
  /** Start from this version (`vN` or alias) and send only the files given, plus removals. */
  base?: string;
  onProgress?: ProgressListener;
}

/**
 * What logging did: the version, whether it is new (`created: false` when the content equals the
 * latest version), the bytes actually sent, and how many files were hashed rather than taken from the
 * checksum cache.
 *
 * @example
 * ```ts
 * const result: LogResult = await logArtifact(client, cacheRoot, artifact, {});
 * if (!result.created) console.log("nothing changed");
 * ```
 */
export interface LogResult {
  version: VersionView;
  created: boolean;
  uploadedBytes: number;
  uploadedFiles: number;
  files: number;
  hashedFiles: number;
}

/** Logs `artifact` as a new version (or the existing one, when nothing changed). */
export async function logArtifact(
  client: Client,
  cacheRoot: string,
  artifact: Artifact,
  options: LogOptions,
): Promise<LogResult> {
  const project = options.project ?? client.project;
  const tracker = new ProgressTracker("hashing", options.onProgress);
  // The project check (one round trip) overlaps walking and hashing; it is awaited before anything is
  // committed. Blob and page calls are team-scoped and do not need it.
  const projectReady = client.ensureProject(project).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const needProject = async () => {
    const failure = await projectReady;
    if (failure) throw failure.error;
  };
  const commitOptions = {
    aliases: options.aliases ?? [],
    metadata: artifact.metadata,
    description: artifact.description,
    tags: options.tags ?? [],
    ...(options.runId ? { runId: options.runId } : {}),
  };
  let committed: { version: VersionView; created: boolean } | undefined;
  let sent = { uploadedBytes: 0, uploadedFiles: 0 };
  let hashedCount: number;
  if (options.base === undefined) {
    const hashed = await hashContent(cacheRoot, artifact, tracker);
    hashedCount = hashed.hashedCount;
    const plan = await planManifest(client, hashed.entries);
    const commit = async (): Promise<{ version: VersionView; created: boolean }> => {
      tracker.start("committing", 0, 0);
      await needProject();
      return client.request("POST", client.artifactPath(project, artifact.name, "/versions"), {
        type: artifact.type,
        pages: plan.digests,
        ...commitOptions,
      });
    };
    if (plan.missing.length === 0) {
      // Every page is stored already: this content was committed before, so its blobs are verified
      // unless that commit failed. Commit without preparing every blob again (for 10,000 files, ten
      // round trips); the server still checks every blob (invariant 3) and says blob_missing if not.
      committed = await commitUnlessBlobsMissing(commit);
    }
    if (!committed) {
      sent = await uploadBlobs(client, hashed.blobs, { cacheRoot, tracker });
      await sendPages(client, plan.missing);
      committed = await commit();
    }
  } else {
    const { entries, removals, ...staged } = await stageContent(client, cacheRoot, artifact, tracker);
    sent = staged;
    hashedCount = staged.hashedCount;
    tracker.start("committing", 0, 0);
    await needProject();
    const at = { team: client.team, project, name: artifact.name, selector: options.base };
    const expanded = await expandRemovals(client, at, removals);
    committed = await commitDraft(client, at, artifact.type, entries, expanded, commitOptions);
  }
  return {
    version: committed.version,
    created: committed.created,
    uploadedBytes: sent.uploadedBytes,
    uploadedFiles: sent.uploadedFiles,
    files: committed.version.files,
    hashedFiles: hashedCount,
  };
}

/** Commits, or answers undefined when the server refuses because some blob is not verified. */
async function commitUnlessBlobsMissing<T>(commit: () => Promise<T>): Promise<T | undefined> {
  try {
    return await commit();
  } catch (error) {
    if (error instanceof CairnError && error.code === "blob_missing") return undefined;
    throw error;
  }
}

/** An artifact's content made ready to commit: its blobs uploaded and its manifest entries. */
export interface StagedContent {
  entries: ManifestEntry[];
  /** Paths to remove from a base version (removals of paths not added to the artifact itself). */
  removals: string[];
  uploadedBytes: number;
  uploadedFiles: number;
  hashedCount: number;
}

/**
 * Resolves the artifact, gives http(s) references without a checksum their ETag, hashes the files and
 * uploads the blobs the server lacks. Nothing of a version exists yet afterwards; committing is the
 * caller's.
 */
export async function stageContent(
  client: Client,
  cacheRoot: string,
  artifact: Artifact,
  tracker: ProgressTracker,
): Promise<StagedContent> {
  const hashed = await hashContent(cacheRoot, artifact, tracker);
  const { uploadedBytes, uploadedFiles } = await uploadBlobs(client, hashed.blobs, { cacheRoot, tracker });
  return {
    entries: hashed.entries,
    removals: hashed.removals,
    uploadedBytes,
    uploadedFiles,
    hashedCount: hashed.hashedCount,
  };
}

/** An artifact's content hashed: its manifest entries and the local files holding each distinct blob. */
interface HashedContent {
  entries: ManifestEntry[];
  blobs: LocalBlob[];
  removals: string[];
  hashedCount: number;
}

/** Resolves the artifact, gives http(s) references their ETag, and hashes the files (checksum cache). */
async function hashContent(
  cacheRoot: string,
  artifact: Artifact,
  tracker: ProgressTracker,
): Promise<HashedContent> {
  const content = await artifact.resolve();
  const references = await captureReferenceChecksums(content.references);
  const { hashed, hashedCount } = await hashFiles(content.files, cacheRoot, tracker);
  const blobs = new Map<string, LocalBlob>();
  for (const file of hashed)
    blobs.set(file.sha256, { sha256: file.sha256, size: file.stat.size, abs: file.abs });
  const entries: ManifestEntry[] = [
    ...hashed.map((f) => ({ path: f.path, sha256: f.sha256, size: f.stat.size })),
    ...references,
  ];
  return { entries, blobs: [...blobs.values()], removals: content.removals, hashedCount };
}

/** A removal may name a directory: expand it to the base's paths under it. */
async function expandRemovals(client: Client, base: VersionAddress, removals: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const removal of removals) {
    for await (const entry of listFiles(client, base, removal)) {
      if (entry.path === removal || entry.path.startsWith(`${removal}/`)) out.push(entry.path);
    }
  }
  return out;
}

/** Sends the changes through a draft based on `base` and commits it; the draft is dropped on failure. */
export async function commitDraft(
  client: Client,
  base: VersionAddress,
  type: string,
  put: ManifestEntry[],
  remove: string[],
  commitOptions: Record<string, unknown>,
): Promise<{ version: VersionView; created: boolean }> {
  const drafts = client.artifactPath(base.project, base.name, "/drafts", base.team);
  const { draft } = await client.request<{ draft: { id: string } }>("POST", drafts, {
    type,
    base: base.selector,
  });
  const draftPath = `${drafts}/${encodeURIComponent(draft.id)}`;
  const runId = typeof commitOptions.runId === "string" ? { runId: commitOptions.runId } : {};
  try {
    for (const batch of chunks(put, DRAFT_CHANGES_MAX)) {
      await client.request("POST", `${draftPath}/changes`, { put: batch, remove: [], ...runId });
    }
    for (const batch of chunks(remove, DRAFT_CHANGES_MAX)) {
      await client.request("POST", `${draftPath}/changes`, { put: [], remove: batch, ...runId });
    }
    return await client.request("POST", `${draftPath}/commit`, commitOptions);
  } catch (error) {
    await client.request("DELETE", draftPath).catch(() => undefined);
    throw error;
  }
}
