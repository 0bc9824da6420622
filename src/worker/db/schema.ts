/**
 * @module D1 tables (drizzle). The artifact Durable Object owns version numbers and aliases; `versions`
 * and `aliases` here are its mirror, written idempotently, for listing and search.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const teams = sqliteTable("teams", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id),
    name: text("name").notNull(),
    role: text("role", { enum: ["reader", "writer", "admin"] }).notNull(),
    /** sha256 of the secret; the secret itself is shown once and never stored. */
    hash: text("hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: createdAt(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_team").on(t.teamId)],
);

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("projects_team_name").on(t.teamId, t.name)],
);

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    name: text("name").notNull(),
    jobType: text("job_type").notNull().default(""),
    group: text("group_name").notNull().default(""),
    config: text("config").notNull().default("{}"),
    summary: text("summary").notNull().default("{}"),
    status: text("status", { enum: ["running", "finished", "failed", "crashed"] })
      .notNull()
      .default("running"),
    createdAt: createdAt(),
    heartbeatAt: integer("heartbeat_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("runs_project_created").on(t.projectId, t.createdAt)],
);

export const artifacts = sqliteTable(
  "artifacts",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    name: text("name").notNull(),
    type: text("type").notNull(),
    description: text("description").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("artifacts_project_name").on(t.projectId, t.name),
    index("artifacts_project_type").on(t.projectId, t.type),
  ],
);

/** Mirror of the artifact object's committed versions. `root` is the JSON list of index page digests. */
export const versions = sqliteTable(
  "versions",
  {
    artifactId: text("artifact_id").notNull(),
    number: integer("number").notNull(),
    teamId: text("team_id").notNull(),
    digest: text("digest").notNull(),
    root: text("root").notNull(),
    fileCount: integer("file_count").notNull(),
    totalSize: integer("total_size").notNull(),
    metadata: text("metadata").notNull().default("{}"),
    description: text("description").notNull().default(""),
    tags: text("tags").notNull().default("[]"),
    runId: text("run_id"),
    createdAt: integer("created_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    primaryKey({ columns: [t.artifactId, t.number] }),
    index("versions_artifact_digest").on(t.artifactId, t.digest),
    index("versions_run").on(t.runId),
  ],
);

/** Mirror of the artifact object's current aliases (including `latest`). */
export const aliases = sqliteTable(
  "aliases",
  {
    artifactId: text("artifact_id").notNull(),
    alias: text("alias").notNull(),
    version: integer("version").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.artifactId, t.alias] }),
    index("aliases_version").on(t.artifactId, t.version),
  ],
);

/** A blob is present for deduplication only once `verifiedAt` is set (invariant 4). */
export const blobs = sqliteTable(
  "blobs",
  {
    teamId: text("team_id").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    r2Key: text("r2_key").notNull(),
    /**
     * R2 etag (bare) of the object as it was hashed: downloads are conditional on it, so bytes written
     * to the key after verification are refused instead of served (invariant 4).
     */
    etag: text("etag").notNull(),
    verifiedAt: integer("verified_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.sha256] })],
);

/** An upload in progress: one R2 key per upload, so a liar can only ever overwrite its own object. */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    r2Key: text("r2_key").notNull(),
    multipartUploadId: text("multipart_upload_id"),
    partSize: integer("part_size"),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
  },
  // uploads_expires: the hourly cleanup reads the oldest expired rows without scanning the table.
  (t) => [
    index("uploads_team_blob").on(t.teamId, t.sha256, t.size),
    index("uploads_expires").on(t.expiresAt),
  ],
);

/** A leaf manifest page: its canonical text, stored once per team, shared by every version that has it. */
export const pages = sqliteTable(
  "pages",
  {
    teamId: text("team_id").notNull(),
    digest: text("digest").notNull(),
    body: text("body").notNull(),
    firstPath: text("first_path").notNull(),
    lastPath: text("last_path").notNull(),
    entryCount: integer("entry_count").notNull(),
    bytes: integer("bytes").notNull(),
    /** Set once every blob the page names was found verified; never unset (blobs are not collected). */
    blobsVerified: integer("blobs_verified", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.digest] })],
);

/** An index page: the ordered list of leaf pages (with their path ranges) of part of a manifest. */
export const indexPages = sqliteTable(
  "index_pages",
  {
    teamId: text("team_id").notNull(),
    digest: text("digest").notNull(),
    /** JSON [[leafDigest, firstPath, lastPath, entryCount, bytes], ...] */
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.digest] })],
);

export const drafts = sqliteTable(
  "drafts",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id").notNull(),
    artifactName: text("artifact_name").notNull(),
    type: text("type").notNull(),
    baseVersion: integer("base_version"),
    /** W&B's distributed id: several runs add to one draft named by it. */
    distributedId: text("distributed_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("drafts_distributed").on(t.projectId, t.artifactName, t.distributedId)],
);

export const draftChanges = sqliteTable(
  "draft_changes",
  {
    draftId: text("draft_id").notNull(),
    path: text("path").notNull(),
    /** canonical page line of the new entry, or null for a removal */
    line: text("line"),
    runId: text("run_id"),
  },
  (t) => [primaryKey({ columns: [t.draftId, t.path] })],
);

export const lineageEdges = sqliteTable(
  "lineage_edges",
  {
    teamId: text("team_id").notNull(),
    runId: text("run_id").notNull(),
    artifactId: text("artifact_id").notNull(),
    version: integer("version").notNull(),
    direction: text("direction", { enum: ["input", "output"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.artifactId, t.version, t.direction] }),
    index("lineage_version").on(t.artifactId, t.version, t.direction),
  ],
);
