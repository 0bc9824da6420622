/** @module The typed RPC contract of the artifact Durable Object: what the Worker sends and gets back. */
import type { ErrorCode } from "../../shared/errors.ts";

/** Which artifact an object is; the object is named `teamId/projectId/name`. */
export interface ArtifactIdentity {
  teamId: string;
  projectId: string;
  name: string;
}

/** What a version holds, as the Worker hands it over and the object keeps it. */
export interface VersionContent {
  digest: string;
  /** The version's index page digests, in order. */
  root: string[];
  fileCount: number;
  totalSize: number;
  metadata: Record<string, unknown>;
  description: string;
  tags: string[];
  runId: string | null;
}

/** Everything the object needs to record a new version (and mirror it to D1). */
export interface CommitInput extends VersionContent {
  identity: ArtifactIdentity;
  type: string;
  /** Other runs that produced the content (a distributed draft's contributors): output edges too. */
  contributingRunIds?: string[];
  aliases: string[];
}

/** A version as the object keeps it. Times are epoch milliseconds. */
export interface StoredVersion extends VersionContent {
  number: number;
  createdAt: number;
  deletedAt: number | null;
  /** Aliases pointing at it now (including `latest`). */
  aliases: string[];
}

export interface ArtifactInfo {
  artifactId: string;
  type: string;
  createdAt: number;
}

/** Expected failures travel as values: an exception thrown across RPC loses its code. */
export interface RpcFailure {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export type RpcResult<T> = T | RpcFailure;

export function isFailure<T>(result: RpcResult<T>): result is RpcFailure {
  return typeof result === "object" && result !== null && "error" in result;
}

export interface CommitOutput extends ArtifactInfo {
  created: boolean;
  version: StoredVersion;
}

export interface VersionPatch {
  metadata?: Record<string, unknown>;
  description?: string;
  tags?: string[];
}

export interface AliasRow {
  alias: string;
  version: number;
}

export interface AliasHistoryRow {
  version: number | null;
  at: number;
}

export interface ArtifactState extends ArtifactInfo {
  versions: StoredVersion[];
  aliases: AliasRow[];
}
