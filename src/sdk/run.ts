/**
 * @module `init` and `Run`: one execution of a script. Logs versions (output edges), uses versions (input
 * edges), heartbeats while alive, and is marked `crashed` on a fatal exception or SIGINT/SIGTERM when it
 * can be. A process killed outright leaves the run `running`; the server's staleness rule ends it.
 */
import { spawnSync } from "node:child_process";
import { Api, type ApiOptions } from "./api.ts";
import type { Artifact } from "./artifact.ts";
import { resolveRef, type SdkContext } from "./context.ts";
import type { ProgressListener } from "./progress.ts";
import type { RunView, VersionView } from "./types.ts";
import { finishDistributed, type UpsertResult, upsertDistributed } from "./upload/distributed.ts";
import { logArtifact } from "./upload/log.ts";
import { ArtifactVersion } from "./version.ts";

export const HEARTBEAT_MS = 30_000;

/**
 * Options of `init`: the project (created on first use), and the run's name, job type, group and config.
 *
 * @example
 * ```ts
 * const options: InitOptions = { project: "my-ml-project", jobType: "train", config: { lr: 3e-4 } };
 * ```
 */
export interface InitOptions extends ApiOptions {
  project?: string;
  name?: string;
  jobType?: string;
  group?: string;
  config?: Record<string, unknown>;
}

/**
 * Starts a run in a project (creating the project if needed) and returns it.
 *
 * @example
 * ```ts
 * import { Artifact, init } from "cairn";
 * const run = await init({ project: "my-ml-project", jobType: "preprocess" });
 * const artifact = new Artifact({ name: "training-data", type: "dataset" });
 * artifact.addFile("data/train.csv");
 * await run.logArtifact(artifact);
 * await run.finish();
 * ```
 */
export async function init(options: InitOptions = {}): Promise<Run> {
  const ctx = await new Api(options).context();
  const project = options.project ?? ctx.client.project;
  await ctx.client.ensureProject(project);
  const { run } = await ctx.client.request<{ run: RunView }>(
    "POST",
    ctx.client.projectPath(project, "/runs"),
    {
      ...(options.name ? { name: options.name } : {}),
      jobType: options.jobType ?? "",
      group: options.group ?? "",
      config: options.config ?? {},
    },
  );
  return new Run(ctx, project, run);
}

/**
 * A running script. Create it with `init`; call `finish()` at the end.
 *
 * @example
 * ```ts
 * const run = await init({ project: "my-ml-project", jobType: "train" });
 * const data = await run.useArtifact("training-data:latest");
 * const dir = await data.download();
 * // ... train ...
 * await run.logArtifact(new Artifact({ name: "model", type: "model" }).addFile("model.pt"), { aliases: ["best"] });
 * await run.finish();
 * ```
 */
export class Run {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly jobType: string;
  readonly #ctx: SdkContext;
  #finished = false;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #onSignal: (signal: NodeJS.Signals) => void;
  readonly #onFatal: () => void;

  constructor(ctx: SdkContext, project: string, view: RunView) {
    this.#ctx = ctx;
    this.project = project;
    this.id = view.id;
    this.name = view.name;
    this.jobType = view.jobType;
    // unref: the heartbeat alone must never keep a finished script alive.
    this.#heartbeat = setInterval(() => {
      ctx.client.request("POST", this.#path("/heartbeat")).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#onSignal = (signal) => {
      void this.finish({ status: "crashed" })
        .catch(() => undefined)
        .finally(() => {
          // Nobody else handles it: die of the signal as the process would have without us.
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
    };
    this.#onFatal = () => this.#markCrashedSync();
    process.once("SIGINT", this.#onSignal);
    process.once("SIGTERM", this.#onSignal);
    // The monitor does not change how the process dies; a synchronous request is all that can run there.
    process.on("uncaughtExceptionMonitor", this.#onFatal);
  }

  #path(rest: string): string {
    return this.#ctx.client.projectPath(this.project, `/runs/${encodeURIComponent(this.id)}${rest}`);
  }

  /**
   * Logs a version of `artifact` as an output of this run.
   *
   * @example
   * ```ts
   * const version = await run.logArtifact(artifact, { aliases: ["best"], tags: ["baseline"] });
   * console.log(version.ref); // "my-team/my-ml-project/model:v4"
   * ```
   */
  async logArtifact(
    artifact: Artifact,
    options: { aliases?: string[]; tags?: string[]; onProgress?: ProgressListener } = {},
  ): Promise<ArtifactVersion> {
    const result = await logArtifact(this.#ctx.client, this.#ctx.cacheRoot, artifact, {
      ...options,
      project: this.project,
      runId: this.id,
    });
    return new ArtifactVersion(this.#ctx, result.version);
  }

  /**
   * Adds the artifact's files and references to a version that several runs build together (W&B's
   * `upsert_artifact`): blobs are uploaded first, then the entries join the draft shared under
   * `distributedId`. Nothing is visible until one run calls `finishArtifact` with the same id. A path
   * another run already added with different content fails with a `path_conflict` CairnError naming it;
   * the same content again is accepted, so retrying an upsert is safe.
   *
   * @example
   * ```ts
   * // in each of N workers:
   * const shard = new Artifact({ name: "embeddings", type: "dataset" }).addDir(`out/shard-${rank}`, { name: `shard-${rank}` });
   * await run.upsertArtifact(shard, { distributedId: process.env.JOB_ID ?? "embeddings-job" });
   * ```
   */
  async upsertArtifact(
    artifact: Artifact,
    options: { distributedId: string; onProgress?: ProgressListener },
  ): Promise<UpsertResult> {
    return upsertDistributed(this.#ctx.client, this.#ctx.cacheRoot, artifact, {
      ...options,
      project: this.project,
      runId: this.id,
    });
  }

  /**
   * Commits the version shared under `distributedId` (W&B's `finish_artifact`), after adding this
   * artifact's own entries if it has any. The version gets the artifact's metadata and description and
   * is logged by this run; a later upsert with the same id starts the next version.
   *
   * @example
   * ```ts
   * // in the coordinating process, once every worker has upserted:
   * const version = await run.finishArtifact(new Artifact({ name: "embeddings", type: "dataset" }), {
   *   distributedId: process.env.JOB_ID ?? "embeddings-job",
   *   aliases: ["latest-run"],
   * });
   * console.log(version.ref, version.fileCount);
   * ```
   */
  async finishArtifact(
    artifact: Artifact,
    options: { distributedId: string; aliases?: string[]; tags?: string[]; onProgress?: ProgressListener },
  ): Promise<ArtifactVersion> {
    const { version } = await finishDistributed(this.#ctx.client, this.#ctx.cacheRoot, artifact, {
      ...options,
      project: this.project,
      runId: this.id,
    });
    return new ArtifactVersion(this.#ctx, version);
  }

  /**
   * Records a version as an input of this run and returns it. The reference is resolved now, so the
   * edge names the version `latest` (or any alias) points at at this moment.
   *
   * @example
   * ```ts
   * const data = await run.useArtifact("training-data:latest");
   * const dir = await data.download(); // "artifacts/training-data:v0"
   * ```
   */
  async useArtifact(ref: string | ArtifactVersion): Promise<ArtifactVersion> {
    const at =
      typeof ref === "string"
        ? resolveRef(this.#ctx, ref, this.project)
        : { team: ref.team, project: ref.project, name: ref.name, selector: ref.selector };
    const { version } = await this.#ctx.client.request<{ version: VersionView }>(
      "POST",
      this.#path("/inputs"),
      {
        ref: `${at.team}/${at.project}/${at.name}:${at.selector}`,
      },
    );
    return new ArtifactVersion(this.#ctx, version);
  }

  /**
   * Ends the run (`finished` unless told otherwise) and stops its heartbeat. Calling it twice is harmless.
   *
   * @example
   * ```ts
   * await run.finish({ status: "failed" });
   * ```
   */
  async finish(options: { status?: "finished" | "failed" | "crashed" } = {}): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#detach();
    await this.#ctx.client.request("POST", this.#path("/finish"), { status: options.status ?? "finished" });
  }

  #detach(): void {
    clearInterval(this.#heartbeat);
    process.removeListener("SIGINT", this.#onSignal);
    process.removeListener("SIGTERM", this.#onSignal);
    process.removeListener("uncaughtExceptionMonitor", this.#onFatal);
  }

  /** Best effort within 3 s: the process is about to die, so the request runs in a child synchronously. */
  #markCrashedSync(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#detach();
    const { host, key } = this.#ctx.client.settings;
    const script =
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);" +
      "fetch(r.url,{method:'POST',headers:{authorization:'Bearer '+r.key,'content-type':'application/json'}," +
      "body:JSON.stringify({status:'crashed'})}).catch(()=>{})})";
    spawnSync(process.execPath, ["-e", script], {
      input: JSON.stringify({ url: `${host}/api/v1${this.#path("/finish")}`, key }),
      timeout: 3000,
      stdio: ["pipe", "ignore", "ignore"],
    });
  }
}
