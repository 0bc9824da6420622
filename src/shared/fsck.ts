/**
 * @module Contract of the consistency checker (`POST /teams/:team/admin/fsck`, `POST /admin/fsck`): its
 * request body, the kinds of violation it reports and the report shape, shared by the Worker and the CLI.
 */
import { z } from "zod";

export const FSCK_DEFAULT_LIMIT = 20;
export const FSCK_MAX_LIMIT = 200;

export const fsckBody = z.object({
  /** Rewrite the D1 mirror (versions, aliases) of each artifact found diverging from its Durable Object. */
  repair: z.boolean().default(false),
  /** `nextCursor` of the previous answer; absent for the first page. */
  cursor: z.string().max(200).optional(),
  /** Artifacts checked per request: the work of one request stays bounded. */
  limit: z.number().int().min(1).max(FSCK_MAX_LIMIT).default(FSCK_DEFAULT_LIMIT),
});
export type FsckBody = z.input<typeof fsckBody>;

export const FSCK_KINDS = [
  /** D1 lists an artifact its Durable Object knows nothing about. */
  "artifact_without_object",
  /** The object's artifact id or type is not the D1 row's. */
  "identity_mismatch",
  /** The object's version numbers are not exactly 0..n-1 (deleted versions keep their number). */
  "version_gap",
  /** `latest` does not name the highest live version (or exists with no live version). */
  "latest_wrong",
  /** An alias names a deleted or unknown version. */
  "alias_dangling",
  /** A version the object committed is missing from D1. */
  "mirror_missing_version",
  /** D1 shows a version the object never committed (a draft or a lost write made visible). */
  "mirror_extra_version",
  /** D1's copy of a version differs from the object's. */
  "mirror_version_differs",
  /** D1's aliases of the artifact differ from the object's. */
  "mirror_alias_differs",
  /** A D1 version row whose artifact row does not exist. */
  "orphan_version",
  /** An index page of a committed version is missing. */
  "index_page_missing",
  /** A leaf page of a committed version is missing. */
  "page_missing",
  /** The version's digest, file count or size is not what its pages give (invariant 1). */
  "version_content_differs",
  /** A manifest entry names a blob that is not verified for the team, or with another size. */
  "blob_unverified",
  /** A verified blob's object is absent from R2. */
  "blob_object_missing",
  /** A verified blob's object in R2 has another size. */
  "blob_object_size",
  /**
   * The blob's R2 object is not the one verified: its etag differs from the one recorded at verification
   * (rewritten afterwards, e.g. through a still-valid presigned PUT). Downloads of it are refused.
   */
  "blob_object_changed",
] as const;
export type FsckKind = (typeof FSCK_KINDS)[number];

export interface FsckViolation {
  kind: FsckKind;
  /** `project/name` */
  artifact: string;
  version?: number;
  detail: string;
  /** Present when `repair` was asked: whether the mirror now matches the object for this artifact. */
  repaired?: boolean;
}

export interface FsckCounts {
  artifacts: number;
  versions: number;
  indexPages: number;
  pages: number;
  blobs: number;
}

export interface FsckReport {
  team: string;
  checked: FsckCounts;
  /** Artifacts whose object still had an unmirrored change (caught up by the check; not a violation). */
  pendingMirrors: number;
  violations: FsckViolation[];
  /** Cursor for the next page of artifacts, or null when this page was the last. */
  nextCursor: string | null;
}

/** The deployment-wide check: one report per team visited in this page. */
export interface FsckAllReport {
  teams: FsckReport[];
  violations: number;
  nextCursor: string | null;
}
