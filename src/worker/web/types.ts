/**
 * @module Shapes of the API answers the web pages read that are not shared views: versions, artifacts,
 * alias history and lineage are typed once, in src/shared/views.ts.
 */

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  createdAt: number;
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
