/** @module Shapes of the API answers the web pages read (see /work/briefs/api-contract.md and src/shared/api.ts). */

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  createdAt: number;
}

export interface VersionSummary {
  version: number;
  digest: string;
  size: number;
  files: number;
  createdAt: number | string;
}

export interface ArtifactSummary {
  name: string;
  type: string;
  description: string;
  createdAt: number | string;
  updatedAt: number | string;
  versionCount: number;
  latest: VersionSummary | null;
  aliases: (string | { alias: string; version: number })[];
}

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
  createdAt: number | string;
}

export type FileView =
  | { path: string; sha256: string; size: number }
  | { path: string; ref: string; checksum?: string; size?: number };

export interface DownloadView {
  path: string;
  url?: string;
  sha256?: string;
  size?: number;
  ref?: string;
}

export interface RunView {
  id: string;
  name: string;
  jobType: string;
  group?: string;
  status: string;
  config: Record<string, unknown> | string;
  summary?: Record<string, unknown> | string;
  createdAt?: number | string;
  finishedAt?: number | string | null;
  heartbeatAt?: number | string;
}

export interface AliasHistoryEntry {
  /** null: the alias was removed at that moment */
  version: number | string | null;
  at: number | string;
}

export interface DiffChange {
  path: string;
  from: FileView;
  to: FileView;
}

export interface DiffView {
  added: FileView[];
  removed: FileView[];
  changed: DiffChange[];
  nextCursor: string | null;
}
