/** @module `Api`: queries and logging without a run (artifacts, versions, aliases). */
import type { Artifact } from "./artifact.ts";
import { Client } from "./client.ts";
import type { Settings } from "./config.ts";
import { resolveRef, type SdkContext } from "./context.ts";
import { listVersions, versionPath } from "./listing.ts";
import { cacheDir } from "./paths.ts";
import type { AliasHistoryEntry, ArtifactSummary, RunView, VersionView } from "./types.ts";
import type { LogOptions, LogResult } from "./upload/log.ts";
import { logArtifact } from "./upload/log.ts";
import { ArtifactVersion } from "./version.ts";

/**
 * Connection options: any left out come from the environment, then the profile in `config.json`.
 *
 * @example
 * ```ts
 * const options: ApiOptions = { host: "http://127.0.0.1:8787", key: "cairn_...", project: "vision" };
 * ```
 */
export interface ApiOptions extends Settings {
  /** Cache root; default `$XDG_CACHE_HOME/cairn`. */
  cacheDir?: string;
}

/** Connects once, lazily, and shares the connection between calls. */
export async function connect(options: ApiOptions = {}): Promise<SdkContext> {
  const client = await Client.connect(options);
  return { client, cacheRoot: options.cacheDir ?? cacheDir(options.env) };
}

/**
 * Queries over a team's artifacts, shaped like `wandb.Api()`.
 *
 * @example
 * ```ts
 * import { Api } from "cairn";
 * const api = new Api({ project: "my-ml-project" });
 * const best = await api.artifact("my-team/my-ml-project/model:best");
 * for (const a of await api.artifacts({ type: "dataset" })) console.log(a.name, a.latest?.version);
 * ```
 */
export class Api {
  readonly #options: ApiOptions;
  #ctx: Promise<SdkContext> | undefined;

  constructor(options: ApiOptions = {}) {
    this.#options = options;
  }

  /** The shared connection (made on first use). */
  context(): Promise<SdkContext> {
    this.#ctx ??= connect(this.#options);
    return this.#ctx;
  }

  /** The underlying client, for requests the SDK has no method for. */
  async client(): Promise<Client> {
    return (await this.context()).client;
  }

  /**
   * One version by reference `[team/][project/]name[:alias|:vN][@ISO]` (default `:latest`).
   *
   * @example
   * ```ts
   * const v = await api.artifact("training-data:v3");
   * ```
   */
  async artifact(ref: string): Promise<ArtifactVersion> {
    const ctx = await this.context();
    const at = resolveRef(ctx, ref);
    const { version } = await ctx.client.request<{ version: VersionView }>(
      "GET",
      versionPath(ctx.client, at),
    );
    return new ArtifactVersion(ctx, version);
  }

  /**
   * The artifacts of a project, optionally of one type.
   *
   * @example
   * ```ts
   * const models = await api.artifacts({ type: "model" });
   * ```
   */
  async artifacts(options: { type?: string; project?: string } = {}): Promise<ArtifactSummary[]> {
    const { client } = await this.context();
    const { artifacts } = await client.request<{ artifacts: ArtifactSummary[] }>(
      "GET",
      client.projectPath(options.project ?? client.project, "/artifacts"),
      undefined,
      { type: options.type },
    );
    return artifacts;
  }

  /**
   * Every version of an artifact (`name` or `team/project/name`).
   *
   * @example
   * ```ts
   * for (const v of await api.versions("training-data")) console.log(v.version, v.aliases, v.digest);
   * ```
   */
  async versions(name: string): Promise<ArtifactVersion[]> {
    const ctx = await this.context();
    const at = resolveRef(ctx, name);
    const views = await listVersions(ctx.client, at.team, at.project, at.name);
    return views.map((view) => new ArtifactVersion(ctx, view));
  }

  /**
   * Logs a version without a run (what `cairn put` does); `run.logArtifact` records the run too.
   *
   * @example
   * ```ts
   * const artifact = new Artifact({ name: "training-data", type: "dataset" }).addDir("data");
   * const { version, created, uploadedBytes } = await api.logArtifact(artifact, { aliases: ["raw"] });
   * ```
   */
  async logArtifact(
    artifact: Artifact,
    options: LogOptions = {},
  ): Promise<LogResult & { artifactVersion: ArtifactVersion }> {
    const ctx = await this.context();
    const result = await logArtifact(ctx.client, ctx.cacheRoot, artifact, options);
    return { ...result, artifactVersion: new ArtifactVersion(ctx, result.version) };
  }

  /**
   * Points an alias at a version (`ref` names the version), optionally only if it is at `ifVersion`.
   *
   * @example
   * ```ts
   * await api.setAlias("model:v7", "production", { ifVersion: "v6" });
   * ```
   */
  async setAlias(
    ref: string,
    alias: string,
    options: { ifVersion?: string | null } = {},
  ): Promise<ArtifactVersion> {
    const version = await this.artifact(ref);
    await version.setAlias(alias, options);
    return version;
  }

  /**
   * Removes an alias from an artifact (`name` or `team/project/name`).
   *
   * @example
   * ```ts
   * await api.removeAlias("model", "candidate");
   * ```
   */
  async removeAlias(name: string, alias: string): Promise<void> {
    const ctx = await this.context();
    const at = resolveRef(ctx, name);
    await ctx.client.request(
      "DELETE",
      ctx.client.artifactPath(at.project, at.name, `/aliases/${encodeURIComponent(alias)}`, at.team),
    );
  }

  /**
   * Where an alias pointed over time.
   *
   * @example
   * ```ts
   * for (const { version, at } of await api.aliasHistory("model", "production")) console.log(at, version);
   * ```
   */
  async aliasHistory(name: string, alias: string): Promise<AliasHistoryEntry[]> {
    const ctx = await this.context();
    const at = resolveRef(ctx, name);
    const { history } = await ctx.client.request<{ history: AliasHistoryEntry[] }>(
      "GET",
      ctx.client.artifactPath(at.project, at.name, `/aliases/${encodeURIComponent(alias)}/history`, at.team),
    );
    return history;
  }

  /**
   * A run with the versions it used and logged.
   *
   * @example
   * ```ts
   * const { run, inputs, outputs } = await api.run("01J...");
   * ```
   */
  async run(
    id: string,
    options: { project?: string } = {},
  ): Promise<{ run: RunView; inputs: ArtifactVersion[]; outputs: ArtifactVersion[] }> {
    const ctx = await this.context();
    const body = await ctx.client.request<{ run: RunView; inputs: VersionView[]; outputs: VersionView[] }>(
      "GET",
      ctx.client.projectPath(options.project ?? ctx.client.project, `/runs/${encodeURIComponent(id)}`),
    );
    return {
      run: body.run,
      inputs: body.inputs.map((v) => new ArtifactVersion(ctx, v)),
      outputs: body.outputs.map((v) => new ArtifactVersion(ctx, v)),
    };
  }
}
