/** @module Shapes of the API's responses as the SDK reads them (requests are typed by src/shared/api.ts). */
import type { CompletedBlob, PreparedBlob } from "../shared/api.ts";
import type { ManifestEntry } from "../shared/manifest.ts";

/**
 * One committed version as the server describes it (`ArtifactVersion.toJSON()` gives this shape).
 *
 * @example
 * ```ts
 * const view: VersionView = (await api.artifact("model:best")).toJSON();
 * console.log(view.ref, view.files);
 * ```
 */
export interface VersionView {
  artifact: string;
  type: string;
  version: number;
  ref: string;
  digest: string;
  size: number;
  files: number;
  aliases: string[];
  metadata: Record<string, unknown>;
  description: string;
  tags: string[];
  runId: string | null;
  createdAt: string;
}

/**
 * An artifact of a project as `GET P/artifacts` lists it.
 *
 * @example
 * ```ts
 * const [first]: ArtifactSummary[] = await api.artifacts({ type: "dataset" });
 * console.log(first?.name, first?.latest?.version);
 * ```
 */
export interface ArtifactSummary {
  name: string;
  type: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  versionCount: number;
  latest: { version: number; digest: string; size: number; files: number; createdAt: string } | null;
  aliases: Record<string, number> | { alias: string; version: number }[] | string[];
}

/**
 * A run as the server describes it; fields beyond these are kept as they come.
 *
 * @example
 * ```ts
 * const run: RunView | null = await version.loggedBy();
 * console.log(run?.jobType, run?.status);
 * ```
 */
export interface RunView {
  id: string;
  name: string;
  jobType: string;
  group?: string;
  status: "running" | "finished" | "failed" | "crashed";
  config?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  [field: string]: unknown;
}

export type FileEntry = ManifestEntry;

/** The blob route answers are typed by the shared contract; the SDK keeps its historic names for them. */
export type PrepareBlobResult = PreparedBlob;
export type CompleteResult = CompletedBlob;

export type DownloadUrl =
  | { path: string; sha256: string; size: number; url: string; expiresAt: string }
  | { path: string; ref: string; checksum?: string; size?: number };

export interface LineageVersionNode {
  kind: "version";
  id: string;
  ref: string;
  artifact: string;
  project: string;
  version: number;
  type: string;
  aliases: string[];
  digest: string;
  createdAt: string;
}

export interface LineageRunNode {
  kind: "run";
  id: string;
  runId: string;
  name: string;
  jobType: string;
  status: string;
  project: string;
}

/**
 * The lineage around a version: version and run nodes; edges run → version (output) and
 * version → run (input).
 *
 * @example
 * ```ts
 * const graph: LineageGraph = await version.lineage({ direction: "both", depth: 2 });
 * for (const edge of graph.edges) console.log(edge.from, edge.kind, edge.to);
 * ```
 */
export interface LineageGraph {
  nodes: (LineageVersionNode | LineageRunNode)[];
  edges: { from: string; to: string; kind: "input" | "output" }[];
  truncated: boolean;
}

/**
 * One move of an alias: the version it pointed at from `at` on (null once removed).
 *
 * @example
 * ```ts
 * const history: AliasHistoryEntry[] = await api.aliasHistory("model", "production");
 * ```
 */
export interface AliasHistoryEntry {
  version: string | number | null;
  at: string;
}
