/**
 * @module Request and response schemas of the HTTP API (`/api/v1`), shared by the Worker, the SDK and
 * the CLI. Routes validate with these; the SDK builds its request bodies from their types.
 */
import { z } from "zod";
import {
  aliasSchema,
  HAS_CONTROL_CHARACTER,
  nameSchema,
  pathSchema,
  sha256Schema,
  sizeSchema,
  VERSION_PATTERN,
} from "./names.ts";

export const API_ROLES = ["reader", "writer", "admin"] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const PREPARE_MAX_BLOBS = 1000;
export const COMPLETE_MAX_UPLOADS = 100;
export const PAGES_PREPARE_MAX = 10_000;
export const PAGES_UPLOAD_MAX = 200;
export const INLINE_MAX_ENTRIES = 5000;
export const DOWNLOAD_URLS_MAX = 1000;
export const DRAFT_CHANGES_MAX = 5000;
export const METADATA_MAX_BYTES = 64 * 1024;
export const SINGLE_PUT_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
export const MAX_PARTS = 10_000;

const jsonObject = z.record(z.string(), z.unknown());

export const metadataSchema = jsonObject.refine(
  (value) => new TextEncoder().encode(JSON.stringify(value)).length <= METADATA_MAX_BYTES,
  { message: `metadata must be at most ${METADATA_MAX_BYTES} bytes of JSON` },
);

export const versionSelectorSchema = z.string().regex(VERSION_PATTERN, "must be a version like v3");

const uriSchema = z
  .string()
  .max(4096)
  .regex(/^(https?|s3|gs):\/\/\S+$/, "must be an http(s), s3 or gs URI without spaces")
  .refine((uri) => !HAS_CONTROL_CHARACTER.test(uri), "must not contain control characters");

const checksumSchema = z
  .string()
  .max(512)
  .regex(/^[a-z0-9]+:\S+$/, "must look like 'sha256:<hex>' or 'etag:<value>'")
  .refine((checksum) => !HAS_CONTROL_CHARACTER.test(checksum), "must not contain control characters");

export const blobEntrySchema = z.object({ path: pathSchema, sha256: sha256Schema, size: sizeSchema });
export const referenceEntrySchema = z.object({
  path: pathSchema,
  ref: uriSchema,
  checksum: checksumSchema.optional(),
  size: sizeSchema.optional(),
});
export const entrySchema = z.union([blobEntrySchema, referenceEntrySchema]);

// --- admin ---
export const createTeamBody = z.object({ name: nameSchema });
export const createKeyBody = z.object({
  name: z.string().min(1).max(128).default("key"),
  role: z.enum(API_ROLES),
});

// --- projects ---
export const createProjectBody = z.object({ name: nameSchema, description: z.string().max(4096).optional() });

// --- blobs ---
/** Presigned URLs may be asked to live shorter than the server default (never longer). */
export const PRESIGN_TTL_MAX_SECONDS = 86_400;
const urlTtlSchema = z.number().int().min(1).max(PRESIGN_TTL_MAX_SECONDS);
/** At most this many part URLs per blob in a prepare answer; `POST /blobs/part-urls` gives the rest. */
export const PART_URLS_MAX = 1000;

export const prepareBlobsBody = z.object({
  blobs: z
    .array(
      z.object({
        sha256: sha256Schema,
        size: sizeSchema,
        /** Resume this open upload (a killed client's own); without it, or if it is gone, a fresh upload. */
        uploadId: z.string().min(1).max(128).optional(),
      }),
    )
    .min(1)
    .max(PREPARE_MAX_BLOBS),
  ttlSeconds: urlTtlSchema.optional(),
});
export const blobPartUrlsBody = z.object({
  uploadId: z.string().min(1).max(128),
  partNumbers: z.array(z.number().int().min(1).max(MAX_PARTS)).min(1).max(PART_URLS_MAX),
  ttlSeconds: urlTtlSchema.optional(),
});

/** One answer of `POST /blobs/prepare`, in request order. */
export type PreparedBlob =
  | { sha256: string; size: number; status: "present" }
  | {
      sha256: string;
      size: number;
      status: "upload";
      uploadId: string;
      url: string;
      expiresAt: string;
      /** Signed into the URL (`if-none-match: *`, so the PUT cannot overwrite): send them with the PUT. */
      headers?: Record<string, string>;
    }
  | {
      sha256: string;
      size: number;
      status: "multipart";
      uploadId: string;
      /** Every part but the last has exactly this many bytes. */
      partSize: number;
      partCount: number;
      /** URLs for the first parts (up to PART_URLS_MAX, fewer in a very large answer); ask part-urls for the rest. */
      parts: { partNumber: number; url: string }[];
      expiresAt: string;
    };

export const COMPLETE_STATUSES = [
  "verified",
  "digest_mismatch",
  "not_uploaded",
  "incomplete",
  "unknown_upload",
] as const;
/** One answer of `POST /blobs/complete`. */
export interface CompletedBlob {
  sha256: string;
  uploadId: string;
  status: (typeof COMPLETE_STATUSES)[number];
  message?: string;
}
export const completeBlobsBody = z.object({
  uploads: z
    .array(
      z.object({
        sha256: sha256Schema,
        uploadId: z.string().min(1).max(128),
        parts: z
          .array(
            z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(256) }),
          )
          .max(10_000)
          .optional(),
      }),
    )
    .min(1)
    .max(COMPLETE_MAX_UPLOADS),
});

// --- manifest pages ---
export const preparePagesBody = z.object({ digests: z.array(sha256Schema).max(PAGES_PREPARE_MAX) });
export const uploadPagesBody = z.object({
  pages: z
    .array(z.object({ digest: sha256Schema, entries: z.array(entrySchema).min(1) }))
    .min(1)
    .max(PAGES_UPLOAD_MAX),
});

// --- versions ---
const commitOptions = {
  aliases: z.array(aliasSchema).max(32).default([]),
  metadata: metadataSchema.default({}),
  description: z
    .string()
    .max(64 * 1024)
    .default(""),
  tags: z.array(nameSchema).max(64).default([]),
  runId: z.string().min(1).max(64).optional(),
};
export const commitOptionsBody = z.object(commitOptions);

/** Commit a whole manifest, as page digests (uploaded before) or, for small artifacts, inline entries. */
export const commitVersionBody = z
  .object({
    type: nameSchema,
    pages: z.array(sha256Schema).optional(),
    entries: z.array(entrySchema).max(INLINE_MAX_ENTRIES).optional(),
    ...commitOptions,
  })
  .refine((body) => (body.pages === undefined) !== (body.entries === undefined), {
    message: "give exactly one of 'pages' or 'entries'",
  });

export const updateVersionBody = z.object({
  metadata: metadataSchema.optional(),
  description: z
    .string()
    .max(64 * 1024)
    .optional(),
  tags: z.array(nameSchema).max(64).optional(),
});

export const downloadUrlsBody = z.object({ paths: z.array(pathSchema).min(1).max(DOWNLOAD_URLS_MAX) });

// --- drafts ---
export const createDraftBody = z.object({
  type: nameSchema,
  /** `vN` or an alias of the same artifact to start from. */
  base: z.string().min(1).max(200).optional(),
  distributedId: nameSchema.optional(),
});
export const draftChangesBody = z.object({
  put: z.array(entrySchema).max(DRAFT_CHANGES_MAX).default([]),
  remove: z.array(pathSchema).max(DRAFT_CHANGES_MAX).default([]),
  runId: z.string().min(1).max(64).optional(),
});

// --- aliases ---
export const setAliasBody = z.object({
  version: versionSelectorSchema,
  /** Compare-and-swap: the version the alias must point at now, or null for "must not exist". */
  ifVersion: versionSelectorSchema.nullable().optional(),
});

// --- runs ---
export const RUN_STATUSES = ["running", "finished", "failed", "crashed"] as const;
export const createRunBody = z.object({
  name: z.string().min(1).max(256).optional(),
  jobType: z.string().max(128).default(""),
  group: z.string().max(128).default(""),
  config: jsonObject.default({}),
});
export const updateRunBody = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  summary: jsonObject.optional(),
});
export const useArtifactBody = z.object({ ref: z.string().min(1).max(600) });

export const lineageQuery = z.object({
  direction: z.enum(["up", "down", "both"]).default("both"),
  depth: z.coerce.number().int().min(1).max(20).default(5),
  type: nameSchema.optional(),
  maxNodes: z.coerce.number().int().min(1).max(2000).default(500),
});

export const pageQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const filesQuery = pageQuery.extend({ prefix: z.string().max(1024).default("") });

export type Entry = z.infer<typeof entrySchema>;
export type CommitVersionBody = z.infer<typeof commitVersionBody>;
