/**
 * @module Shapes of the API's responses as the SDK reads them: the shared views (src/shared/views.ts)
 * under the SDK's names, and the few the SDK reads more loosely. Requests are typed by src/shared/api.ts.
 */
import type { CompletedBlob, PreparedBlob } from "../shared/api.ts";
import type { ManifestEntry } from "../shared/manifest.ts";
import type { ArtifactView } from "../shared/views.ts";

export type {
  AliasHistoryEntry,
  LineageGraph,
  LineageNode,
  LineageRunNode,
  LineageVersionNode,
  VersionView,
} from "../shared/views.ts";

/**
 * An artifact of a project as `GET P/artifacts` lists it (the SDK's name for the shared ArtifactView).
 *
 * @example
 * ```ts
 * const [first]: ArtifactSummary[] = await api.artifacts({ type: "dataset" });
 * console.log(first?.name, first?.latest?.version);
 * ```
 */
export type ArtifactSummary = ArtifactView;

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
  | {
      path: string;
      sha256: string;
      size: number;
      url: string;
      expiresAt: string;
      /** Signed into the URL (an `if-match` on the verified object): must be sent with the GET. */
      headers?: Record<string, string>;
    }
  | { path: string; ref: string; checksum?: string; size?: number };
