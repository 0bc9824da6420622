/**
 * @module Distributed versions (W&B `upsert_artifact` / `finish_artifact`): several runs add entries to
 * one draft named by a distributed id, and one of them commits it as a single version.
 */
import { DRAFT_CHANGES_MAX } from "../../shared/api.ts";
import type { Artifact } from "../artifact.ts";
import type { Client } from "../client.ts";
import { CairnError } from "../errors.ts";
import { type ProgressListener, ProgressTracker } from "../progress.ts";
import { chunks } from "../retry.ts";
import type { VersionView } from "../types.ts";
import { stageContent } from "./log.ts";

/**
 * Where and for whom a distributed change goes: the project, the run adding it, and the shared id.
 *
 * @example
 * ```ts
 * const target: DistributedTarget = { project: "vision", runId: run.id, distributedId: "shards-2024-06" };
 * ```
 */
export interface DistributedTarget {
  project: string;
  runId: string;
  distributedId: string;
  onProgress?: ProgressListener;
}

/**
 * What one upsert added to the shared draft: its id, how many entries this call sent, and the bytes
 * uploaded for them.
 *
 * @example
 * ```ts
 * const { draftId, entries, uploadedBytes }: UpsertResult = await run.upsertArtifact(artifact, { distributedId: "shards" });
 * ```
 */
export interface UpsertResult {
  draftId: string;
  distributedId: string;
  entries: number;
  uploadedBytes: number;
  uploadedFiles: number;
}

/**
 * Uploads the artifact's blobs, then records its entries in the distributed draft (created by the first
 * run to ask). A path another run already recorded with other content is a `path_conflict` CairnError;
 * the same content again is accepted, so a retried upsert is harmless.
 */
export async function upsertDistributed(
  client: Client,
  cacheRoot: string,
  artifact: Artifact,
  target: DistributedTarget,
): Promise<UpsertResult> {
  const tracker = new ProgressTracker("hashing", target.onProgress);
  const staged = await stageContent(client, cacheRoot, artifact, tracker);
  if (staged.removals.length > 0) {
    // A distributed version has no base: removing a path nobody added has nothing to act on.
    throw new CairnError(
      "validation_failed",
      `remove('${staged.removals[0]}') names no path added to '${artifact.name}'; a distributed version has no base to remove from`,
    );
  }
  tracker.start("committing", 0, 0);
  const draftId = await openDraft(client, artifact, target);
  const draftPath = `${draftsPath(client, artifact, target)}/${encodeURIComponent(draftId)}`;
  for (const batch of chunks(staged.entries, DRAFT_CHANGES_MAX)) {
    await client.request("POST", `${draftPath}/changes`, { put: batch, remove: [], runId: target.runId });
  }
  return {
    draftId,
    distributedId: target.distributedId,
    entries: staged.entries.length,
    uploadedBytes: staged.uploadedBytes,
    uploadedFiles: staged.uploadedFiles,
  };
}

/**
 * Adds the artifact's own entries (if any), then commits the distributed draft as one version with the
 * artifact's metadata and description, logged by `target.runId`. A later upsert with the same id starts
 * a new draft.
 */
export async function finishDistributed(
  client: Client,
  cacheRoot: string,
  artifact: Artifact,
  target: DistributedTarget & { aliases?: string[]; tags?: string[] },
): Promise<{ version: VersionView; created: boolean }> {
  const { draftId } = await upsertDistributed(client, cacheRoot, artifact, target);
  const draftPath = `${draftsPath(client, artifact, target)}/${encodeURIComponent(draftId)}`;
  return client.request("POST", `${draftPath}/commit`, {
    aliases: target.aliases ?? [],
    metadata: artifact.metadata,
    description: artifact.description,
    tags: target.tags ?? [],
    runId: target.runId,
  });
}

function draftsPath(client: Client, artifact: Artifact, target: DistributedTarget): string {
  return client.artifactPath(target.project, artifact.name, "/drafts");
}

/** The shared draft's id: the server returns the existing draft for a known distributed id. */
async function openDraft(client: Client, artifact: Artifact, target: DistributedTarget): Promise<string> {
  const { draft } = await client.request<{ draft: { id: string } }>(
    "POST",
    draftsPath(client, artifact, target),
    { type: artifact.type, distributedId: target.distributedId },
  );
  return draft.id;
}
