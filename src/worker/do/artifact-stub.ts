/**
 * @module How the Worker reaches an artifact's Durable Object: a typed client over the RPC stub that
 * turns the object's failures into ApiErrors.
 */
import { ApiError } from "../errors.ts";
import type { ArtifactObject } from "./artifact-object.ts";
import {
  type AliasHistoryRow,
  type AliasRow,
  type ArtifactInfo,
  type ArtifactState,
  type CommitInput,
  type CommitOutput,
  isFailure,
  type RpcResult,
  type StoredVersion,
  type VersionPatch,
} from "./artifact-types.ts";

export interface ArtifactClient {
  commit(input: CommitInput): Promise<CommitOutput>;
  resolve(selector: string, atMs?: number): Promise<StoredVersion & ArtifactInfo>;
  setAlias(
    alias: string,
    version: number,
    ifVersion?: number | null,
  ): Promise<{ alias: string; version: number; previous: number | null }>;
  deleteAlias(alias: string): Promise<{ alias: string; version: number }>;
  updateVersion(number: number, patch: VersionPatch): Promise<StoredVersion>;
  deleteVersion(number: number, deleteAliases: boolean): Promise<StoredVersion>;
  listAliases(): Promise<AliasRow[]>;
  aliasHistory(alias: string): Promise<AliasHistoryRow[]>;
  state(): Promise<ArtifactState | null>;
  settledState(): Promise<{ state: ArtifactState | null; pendingMirror: boolean }>;
  repairMirror(): Promise<void>;
}

/** One object per artifact, named by team, project and artifact name. */
export function artifactStub(env: Env, teamId: string, projectId: string, name: string) {
  return env.ARTIFACTS.get(env.ARTIFACTS.idFromName(`${teamId}/${projectId}/${name}`));
}

/** The value of an RPC result, or its failure thrown as the matching ApiError. */
export function unwrap<T>(result: RpcResult<T>): T {
  if (isFailure(result)) throw new ApiError(result.error.code, result.error.message, result.error.details);
  return result;
}

/**
 * The typed client. RPC maps return types through its serialisable-type machinery, which cannot express
 * `Record<string, unknown>` (metadata); the values are plain structured clones of the declared types, so
 * the results are re-typed here, in the one place the boundary is crossed.
 */
export function artifactClient(env: Env, teamId: string, projectId: string, name: string): ArtifactClient {
  const stub = artifactStub(env, teamId, projectId, name) as unknown as {
    [K in keyof ArtifactObject]: ArtifactObject[K];
  };
  return {
    commit: async (input) => unwrap(await stub.commit(input)),
    resolve: async (selector, atMs) => unwrap(await stub.resolve(selector, atMs)),
    setAlias: async (alias, version, ifVersion) => unwrap(await stub.setAlias(alias, version, ifVersion)),
    deleteAlias: async (alias) => unwrap(await stub.deleteAlias(alias)),
    updateVersion: async (number, patch) => unwrap(await stub.updateVersion(number, patch)),
    deleteVersion: async (number, deleteAliases) => unwrap(await stub.deleteVersion(number, deleteAliases)),
    listAliases: () => stub.listAliases(),
    aliasHistory: (alias) => stub.aliasHistory(alias),
    state: () => stub.state(),
    settledState: () => stub.settledState(),
    repairMirror: () => stub.repairMirror(),
  };
}
