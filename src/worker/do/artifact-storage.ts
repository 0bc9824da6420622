/**
 * @module The artifact object's own SQLite tables and typed reads over them. Everything here is
 * synchronous (`ctx.storage.sql`), so callers can read, decide and write without an `await` between.
 */
import { VERSION_COLUMNS, type VersionRow, versionFromRow, versionValues } from "../db/version-row.ts";
import type { AliasHistoryRow, AliasRow, StoredVersion } from "./artifact-types.ts";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
  number INTEGER PRIMARY KEY, digest TEXT NOT NULL, root TEXT NOT NULL, file_count INTEGER NOT NULL,
  total_size INTEGER NOT NULL, metadata TEXT NOT NULL, description TEXT NOT NULL, tags TEXT NOT NULL,
  run_id TEXT, created_at INTEGER NOT NULL, deleted_at INTEGER, dirty INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, alias TEXT NOT NULL, version INTEGER, at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alias_history_alias ON alias_history (alias, at);
CREATE TABLE IF NOT EXISTS output_edges (
  run_id TEXT NOT NULL, version INTEGER NOT NULL, created_at INTEGER NOT NULL,
  dirty INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, version)
);
`;

export type MetaKey =
  | "artifactId"
  | "teamId"
  | "projectId"
  | "name"
  | "type"
  | "createdAt"
  | "updatedAt"
  | "nextNumber"
  /** Change counter; a dirty mark holds the counter value of the change that made it. */
  | "seq"
  | "aliasesDirty";

/** The object's version row: the shared columns plus its dirty mark. */
interface ObjectVersionRow extends VersionRow, Record<string, SqlStorageValue> {
  dirty: number;
}

/** Typed access to the object's tables. */
export class ArtifactStore {
  constructor(private readonly sql: SqlStorage) {}

  getMeta(key: MetaKey): string | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? row.value : null;
  }

  setMeta(key: MetaKey, value: string | number): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, String(value));
  }

  /** A fresh change number, for dirty marks. */
  nextSeq(): number {
    const seq = Number(this.getMeta("seq") ?? "0") + 1;
    this.setMeta("seq", seq);
    return seq;
  }

  version(number: number): StoredVersion | null {
    const row = this.sql
      .exec<ObjectVersionRow>("SELECT * FROM versions WHERE number = ?", number)
      .toArray()[0];
    return row ? this.toVersion(row) : null;
  }

  /** The highest version that is not deleted (what `latest` names). */
  latestLive(): StoredVersion | null {
    const row = this.sql
      .exec<ObjectVersionRow>("SELECT * FROM versions WHERE deleted_at IS NULL ORDER BY number DESC LIMIT 1")
      .toArray()[0];
    return row ? this.toVersion(row) : null;
  }

  allVersions(): StoredVersion[] {
    return this.sql
      .exec<ObjectVersionRow>("SELECT * FROM versions ORDER BY number")
      .toArray()
      .map((row) => this.toVersion(row));
  }

  insertVersion(version: Omit<StoredVersion, "aliases">, dirty: number): void {
    this.sql.exec(
      `INSERT INTO versions (${VERSION_COLUMNS}, dirty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ...versionValues(version),
      dirty,
    );
  }

  /** Rewrites the mutable fields (and the deletion mark) of a version and marks it for mirroring. */
  updateVersion(version: StoredVersion, dirty: number): void {
    this.sql.exec(
      "UPDATE versions SET metadata = ?, description = ?, tags = ?, deleted_at = ?, dirty = ? WHERE number = ?",
      JSON.stringify(version.metadata),
      version.description,
      JSON.stringify(version.tags),
      version.deletedAt,
      dirty,
      version.number,
    );
  }

  dirtyVersions(): { version: StoredVersion; dirty: number }[] {
    return this.sql
      .exec<ObjectVersionRow>("SELECT * FROM versions WHERE dirty != 0 ORDER BY number")
      .toArray()
      .map((row) => ({ version: this.toVersion(row), dirty: row.dirty }));
  }

  clearVersionDirty(number: number, dirty: number): void {
    this.sql.exec("UPDATE versions SET dirty = 0 WHERE number = ? AND dirty = ?", number, dirty);
  }

  aliases(): AliasRow[] {
    return this.sql
      .exec<{ alias: string; version: number }>("SELECT alias, version FROM aliases ORDER BY alias")
      .toArray()
      .map((row) => ({ alias: row.alias, version: row.version }));
  }

  aliasTarget(alias: string): number | null {
    const row = this.sql
      .exec<{ version: number }>("SELECT version FROM aliases WHERE alias = ?", alias)
      .toArray()[0];
    return row ? row.version : null;
  }

  aliasesOf(number: number): string[] {
    return this.sql
      .exec<{ alias: string }>("SELECT alias FROM aliases WHERE version = ? ORDER BY alias", number)
      .toArray()
      .map((row) => row.alias);
  }

  /** Points an alias at a version (or removes it when `version` is null) and records it in the history. */
  moveAlias(alias: string, version: number | null, at: number): void {
    if (this.aliasTarget(alias) === version) return;
    if (version === null) this.sql.exec("DELETE FROM aliases WHERE alias = ?", alias);
    else {
      this.sql.exec(
        "INSERT OR REPLACE INTO aliases (alias, version, updated_at) VALUES (?, ?, ?)",
        alias,
        version,
        at,
      );
    }
    this.sql.exec("INSERT INTO alias_history (alias, version, at) VALUES (?, ?, ?)", alias, version, at);
    this.setMeta("aliasesDirty", this.nextSeq());
  }

  /** The version an alias named at an instant (null: it did not exist then). */
  aliasAt(alias: string, at: number): number | null {
    const row = this.sql
      .exec<{ version: number | null }>(
        "SELECT version FROM alias_history WHERE alias = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
        alias,
        at,
      )
      .toArray()[0];
    return row ? row.version : null;
  }

  aliasHistory(alias: string): AliasHistoryRow[] {
    return this.sql
      .exec<{ version: number | null; at: number }>(
        "SELECT version, at FROM alias_history WHERE alias = ? ORDER BY at, id",
        alias,
      )
      .toArray()
      .map((row) => ({ version: row.version, at: row.at }));
  }

  addOutputEdge(runId: string, version: number, at: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO output_edges (run_id, version, created_at, dirty) VALUES (?, ?, ?, ?)",
      runId,
      version,
      at,
      this.nextSeq(),
    );
  }

  dirtyEdges(): { runId: string; version: number; createdAt: number; dirty: number }[] {
    return this.sql
      .exec<{ run_id: string; version: number; created_at: number; dirty: number }>(
        "SELECT run_id, version, created_at, dirty FROM output_edges WHERE dirty != 0",
      )
      .toArray()
      .map((row) => ({
        runId: row.run_id,
        version: row.version,
        createdAt: row.created_at,
        dirty: row.dirty,
      }));
  }

  clearEdgeDirty(runId: string, version: number, dirty: number): void {
    this.sql.exec(
      "UPDATE output_edges SET dirty = 0 WHERE run_id = ? AND version = ? AND dirty = ?",
      runId,
      version,
      dirty,
    );
  }

  /** Marks everything for mirroring again (a repair after someone changed D1 by hand). */
  markAllDirty(): void {
    const seq = this.nextSeq();
    this.sql.exec("UPDATE versions SET dirty = ?", seq);
    this.sql.exec("UPDATE output_edges SET dirty = ?", seq);
    this.setMeta("aliasesDirty", seq);
  }

  private toVersion(row: ObjectVersionRow): StoredVersion {
    return { ...versionFromRow(row), aliases: this.aliasesOf(row.number) };
  }
}
