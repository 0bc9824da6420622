/** @module `ArtifactVersion`: one committed version, with its files, downloads, verification, aliases and lineage. */
import path from "node:path";
import type { ManifestEntry } from "../shared/manifest.ts";
import type { SdkContext } from "./context.ts";
import { type DownloadOptions, type DownloadResult, downloadVersion } from "./download/download.ts";
import { type VerifyReport, verifyDirectory } from "./download/verify.ts";
import { Draft } from "./draft.ts";
import { listFiles, type VersionAddress, versionPath } from "./listing.ts";
import type { ProgressListener } from "./progress.ts";
import type { AliasHistoryEntry, LineageGraph, RunView, VersionView } from "./types.ts";

/**
 * Options of `version.lineage()`.
 *
 * @example
 * ```ts
 * const options: LineageOptions = { direction: "up", depth: 3, type: "dataset" };
 * ```
 */
export interface LineageOptions {
  direction?: "up" | "down" | "both";
  depth?: number;
  type?: string;
  maxNodes?: number;
}

/**
 * One immutable version of an artifact, as returned by `run.logArtifact`, `run.useArtifact` and
 * `api.artifact`. `fileCount` is the number of entries; `files()` lists them.
 *
 * @example
 * ```ts
 * import { Api } from "cairn";
 * const version = await new Api().artifact("training-data:latest");
 * console.log(version.ref, version.size, version.fileCount, version.aliases);
 * const dir = await version.download();
 * ```
 */
export class ArtifactVersion {
  readonly team: string;
  readonly project: string;
  readonly name: string;
  readonly type: string;
  readonly version: number;
  /** `team/project/name:vN`. */
  readonly ref: string;
  readonly digest: string;
  readonly size: number;
  readonly fileCount: number;
  readonly aliases: string[];
  readonly metadata: Record<string, unknown>;
  readonly description: string;
  readonly tags: string[];
  readonly runId: string | null;
  readonly createdAt: string;
  readonly #ctx: SdkContext;

  constructor(ctx: SdkContext, view: VersionView) {
    this.#ctx = ctx;
    const [team = ctx.client.team, project = ctx.client.project] = view.ref.split(":")[0]?.split("/") ?? [];
    this.team = team;
    this.project = project;
    this.name = view.artifact;
    this.type = view.type;
    this.version = view.version;
    this.ref = view.ref;
    this.digest = view.digest;
    this.size = view.size;
    this.fileCount = view.files;
    this.aliases = view.aliases ?? [];
    this.metadata = view.metadata ?? {};
    this.description = view.description ?? "";
    this.tags = view.tags ?? [];
    this.runId = view.runId ?? null;
    this.createdAt = view.createdAt;
  }

  /** `vN`: the selector naming exactly this version. */
  get selector(): string {
    return `v${this.version}`;
  }

  get #at(): VersionAddress {
    return { team: this.team, project: this.project, name: this.name, selector: this.selector };
  }

  /**
   * The entries of this version in path order, optionally under a prefix, fetched page by page.
   *
   * @example
   * ```ts
   * for await (const file of version.files({ prefix: "images/" })) console.log(file.path, file.size);
   * ```
   */
  files(options: { prefix?: string } = {}): AsyncGenerator<ManifestEntry, void, undefined> {
    return listFiles(this.#ctx.client, this.#at, options.prefix ?? "");
  }

  /** The default download directory: `./artifacts/<name>:v<N>`. */
  defaultRoot(): string {
    return path.join("artifacts", `${this.name}:v${this.version}`);
  }

  /**
   * Downloads (and verifies) the version, or the part under `pathPrefix`, and returns the directory.
   * Files already there with the right content and content in the local cache cost no transfer.
   *
   * @example
   * ```ts
   * const dir = await version.download({ root: "data/train", pathPrefix: "images/" });
   * ```
   */
  async download(options: DownloadOptions = {}): Promise<string> {
    const result = await this.downloadWithReport(options);
    return options.root === undefined ? this.defaultRoot() : result.path;
  }

  /**
   * Like `download`, returning what it did (bytes fetched, cache hits, skipped references).
   *
   * @example
   * ```ts
   * const { path, downloadedBytes, fromCache } = await version.downloadWithReport();
   * ```
   */
  async downloadWithReport(options: DownloadOptions = {}): Promise<DownloadResult> {
    const root = options.root ?? this.defaultRoot();
    return downloadVersion(this.#ctx.client, this.#ctx.cacheRoot, this.#at, root, options);
  }

  /**
   * Checks a directory against this version: every file hashed, missing and extra files listed.
   *
   * @example
   * ```ts
   * const { ok, mismatched, missing, extra } = await version.verify("artifacts/training-data:v0");
   * ```
   */
  async verify(
    root: string = this.defaultRoot(),
    options: { pathPrefix?: string; onProgress?: ProgressListener } = {},
  ): Promise<VerifyReport> {
    return verifyDirectory(this.#ctx.client, this.#at, root, options);
  }

  /**
   * Starts a new version from this one: add, replace and remove paths, then `commit()` sends only
   * the changes.
   *
   * @example
   * ```ts
   * const draft = version.newDraft();
   * draft.addFile("data/extra.csv").remove("stale.csv");
   * const next = await draft.commit({ aliases: ["candidate"] });
   * ```
   */
  newDraft(): Draft {
    return new Draft(this.#ctx, this);
  }

  /**
   * Deletes this version. With `deleteAliases`, aliases pointing at it are removed too (otherwise
   * the server refuses while it has aliases other than `latest`).
   *
   * @example
   * ```ts
   * await version.delete({ deleteAliases: true });
   * ```
   */
  async delete(options: { deleteAliases?: boolean } = {}): Promise<void> {
    await this.#ctx.client.request("DELETE", versionPath(this.#ctx.client, this.#at), undefined, {
      deleteAliases: options.deleteAliases ? "true" : undefined,
    });
  }

  /**
   * Points `alias` at this version. With `ifVersion` (`vN`, or null for "must not exist yet") the
   * move happens only if the alias is still there (compare-and-swap).
   *
   * @example
   * ```ts
   * await version.setAlias("production", { ifVersion: "v3" });
   * ```
   */
  async setAlias(alias: string, options: { ifVersion?: string | null } = {}): Promise<void> {
    const { client } = this.#ctx;
    await client.request(
      "PUT",
      client.artifactPath(this.project, this.name, `/aliases/${encodeURIComponent(alias)}`, this.team),
      {
        version: this.selector,
        ...(options.ifVersion === undefined ? {} : { ifVersion: options.ifVersion }),
      },
    );
    if (!this.aliases.includes(alias)) this.aliases.push(alias);
  }

  /**
   * Changes this version's metadata, description or tags (its files never change).
   *
   * @example
   * ```ts
   * await version.update({ metadata: { accuracy: 0.93 } });
   * ```
   */
  async update(changes: {
    metadata?: Record<string, unknown>;
    description?: string;
    tags?: string[];
  }): Promise<ArtifactVersion> {
    const { version } = await this.#ctx.client.request<{ version: VersionView }>(
      "PATCH",
      versionPath(this.#ctx.client, this.#at),
      changes,
    );
    return new ArtifactVersion(this.#ctx, version);
  }

  /**
   * The run that logged this version, or null when it was logged without one.
   *
   * @example
   * ```ts
   * const run = await version.loggedBy();
   * console.log(run?.name, run?.jobType);
   * ```
   */
  async loggedBy(): Promise<RunView | null> {
    return (await this.#runs()).loggedBy;
  }

  /**
   * The runs that used this version as an input, first use first (up to the server's limit of 1000).
   *
   * @example
   * ```ts
   * for (const run of await version.usedBy()) console.log(run.name, run.status);
   * ```
   */
  async usedBy(): Promise<RunView[]> {
    return (await this.#runs()).usedBy;
  }

  /** One edge query, not a lineage walk: a walk's node cap would cut a widely used version's list short. */
  #runs(): Promise<{ loggedBy: RunView | null; usedBy: RunView[] }> {
    return this.#ctx.client.request("GET", versionPath(this.#ctx.client, this.#at, "/runs"));
  }

  /**
   * The lineage graph around this version: runs and versions, edges run → version (output) and
   * version → run (input).
   *
   * @example
   * ```ts
   * const { nodes, edges } = await version.lineage({ direction: "up", depth: 5 });
   * ```
   */
  async lineage(options: LineageOptions = {}): Promise<LineageGraph> {
    return this.#ctx.client.request<LineageGraph>(
      "GET",
      versionPath(this.#ctx.client, this.#at, "/lineage"),
      undefined,
      {
        direction: options.direction,
        depth: options.depth,
        type: options.type,
        maxNodes: options.maxNodes,
      },
    );
  }

  /**
   * The history of one of this artifact's aliases.
   *
   * @example
   * ```ts
   * const history = await version.aliasHistory("production");
   * ```
   */
  async aliasHistory(alias: string): Promise<AliasHistoryEntry[]> {
    const { client } = this.#ctx;
    const { history } = await client.request<{ history: AliasHistoryEntry[] }>(
      "GET",
      client.artifactPath(
        this.project,
        this.name,
        `/aliases/${encodeURIComponent(alias)}/history`,
        this.team,
      ),
    );
    return history;
  }

  /** The server's view of this version, for JSON output. */
  toJSON(): VersionView & { team: string; project: string } {
    return {
      artifact: this.name,
      team: this.team,
      project: this.project,
      type: this.type,
      version: this.version,
      ref: this.ref,
      digest: this.digest,
      size: this.size,
      files: this.fileCount,
      aliases: this.aliases,
      metadata: this.metadata,
      description: this.description,
      tags: this.tags,
      runId: this.runId,
      createdAt: this.createdAt,
    };
  }
}
