/**
 * @module The Cairn SDK: `import { init, Artifact, Api } from "cairn"`. Log and use versioned artifacts
 * from training scripts, with direct parallel uploads, resume, verified downloads and a local cache.
 */
export { Api, type ApiOptions } from "./api.ts";
export { Artifact, type ArtifactOptions } from "./artifact.ts";
export { hashFile } from "./checksum-cache.ts";
export { Client } from "./client.ts";
export {
  type ConfigFile,
  configPath,
  type Profile,
  readConfig,
  resolveSettings,
  type Settings,
  saveProfile,
} from "./config.ts";
export { type DiffPage, diffPages } from "./diff.ts";
export { cleanupCache } from "./download/blob-cache.ts";
export type { DownloadOptions, DownloadResult } from "./download/download.ts";
export type { VerifyReport } from "./download/verify.ts";
export { Draft } from "./draft.ts";
export { CairnError } from "./errors.ts";
export { type LineageNode, type LineageTree, lineageOf, lineageTrees } from "./lineage.ts";
export { cacheDir, configDir } from "./paths.ts";
export type { Progress, ProgressListener } from "./progress.ts";
export { type InitOptions, init, Run } from "./run.ts";
export type {
  AliasHistoryEntry,
  ArtifactSummary,
  LineageGraph,
  RunView,
  VersionView,
} from "./types.ts";
export type { DistributedTarget, UpsertResult } from "./upload/distributed.ts";
export type { LogOptions, LogResult } from "./upload/log.ts";
export { ArtifactVersion, type LineageOptions } from "./version.ts";
