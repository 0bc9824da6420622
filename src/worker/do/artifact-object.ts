/**
 * @module The artifact Durable Object: single writer and source of truth for one artifact's version
 * numbers and aliases. Every decision is one synchronous SQLite section; D1 is a mirror written after it
 * and repaired by the next call whenever a mirror write did not finish.
 */
import { DurableObject } from "cloudflare:workers";
import { hasDirty, mirrorDirty } from "./artifact-mirror.ts";
import { ArtifactStore, SCHEMA } from "./artifact-storage.ts";
import type {
  AliasHistoryRow,
  AliasRow,
  ArtifactInfo,
  ArtifactState,
  CommitInput,
  CommitOutput,
  RpcFailure,
  RpcResult,
  StoredVersion,
  VersionPatch,
} from "./artifact-types.ts";

const LATEST = "latest";

function fail(code: RpcFailure["error"]["code"], message: string, details?: unknown): RpcFailure {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export class ArtifactObject extends DurableObject<Env> {
  private readonly store: ArtifactStore;
  /** The mirror write running now; mirrors run one at a time so an older snapshot never lands last. */
  private running: Promise<void> = Promise.resolve();
  /** A mirror queued behind `running` that has not taken its snapshot yet; later callers share it. */
  private queued: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ArtifactStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(SCHEMA);
    });
  }

  /** Records a version, or returns the latest one when its content is the same (invariant 6). */
  async commit(input: CommitInput): Promise<RpcResult<CommitOutput>> {
    await this.repairIfDirty();
    const result = this.ctx.storage.transactionSync((): RpcResult<CommitOutput> => {
      const now = Date.now();
      const existingType = this.store.getMeta("type");
      if (existingType !== null && existingType !== input.type) {
        return fail(
          "type_mismatch",
          `artifact '${input.identity.name}' has type '${existingType}', not '${input.type}'`,
          { type: existingType },
        );
      }
      if (existingType === null) this.initialise(input, now);
      const latest = this.store.latestLive();
      let number: number;
      let created: boolean;
      if (latest && latest.digest === input.digest) {
        number = latest.number;
        created = false;
      } else {
        number = Number(this.store.getMeta("nextNumber") ?? "0");
        this.store.setMeta("nextNumber", number + 1);
        this.store.insertVersion(
          {
            number,
            digest: input.digest,
            root: input.root,
            fileCount: input.fileCount,
            totalSize: input.totalSize,
            metadata: input.metadata,
            description: input.description,
            tags: input.tags,
            runId: input.runId,
            createdAt: now,
            deletedAt: null,
          },
          this.store.nextSeq(),
        );
        this.store.moveAlias(LATEST, number, now);
        created = true;
      }
      for (const alias of input.aliases) if (alias !== LATEST) this.store.moveAlias(alias, number, now);
      for (const runId of new Set([input.runId, ...(input.contributingRunIds ?? [])])) {
        if (runId) this.store.addOutputEdge(runId, number, now);
      }
      this.store.setMeta("updatedAt", now);
      const version = this.store.version(number);
      if (!version) throw new Error("a committed version must be readable");
      return { ...this.info(), created, version };
    });
    await this.flush();
    return result;
  }

  /** Resolves `vN`, an alias, or an alias at an instant (epoch ms) to a live version. */
  async resolve(selector: string, atMs?: number): Promise<RpcResult<StoredVersion & ArtifactInfo>> {
    await this.repairIfDirty();
    if (!this.store.getMeta("type")) return fail("not_found", "artifact not found");
    const match = /^v(0|[1-9][0-9]*)$/.exec(selector);
    let number: number | null;
    if (match) number = Number(match[1]);
    else if (atMs !== undefined) number = this.store.aliasAt(selector, atMs);
    else number = this.store.aliasTarget(selector);
    const version = number === null ? null : this.store.version(number);
    if (!version || version.deletedAt !== null) {
      const when = atMs === undefined ? "" : ` at ${new Date(atMs).toISOString()}`;
      return fail("not_found", `version '${selector}'${when} not found`);
    }
    return { ...version, ...this.info() };
  }

  async setAlias(
    alias: string,
    version: number,
    ifVersion?: number | null,
  ): Promise<RpcResult<{ alias: string; version: number; previous: number | null }>> {
    await this.repairIfDirty();
    const result = this.ctx.storage.transactionSync(
      (): RpcResult<{ alias: string; version: number; previous: number | null }> => {
        const target = this.store.version(version);
        if (!target || target.deletedAt !== null) return fail("not_found", `version 'v${version}' not found`);
        const current = this.store.aliasTarget(alias);
        if (ifVersion !== undefined && ifVersion !== current) {
          const now = current === null ? "does not exist" : `points at v${current}`;
          return fail("alias_conflict", `alias '${alias}' ${now}`, {
            current: current === null ? null : `v${current}`,
          });
        }
        const at = Date.now();
        this.store.moveAlias(alias, version, at);
        this.store.setMeta("updatedAt", at);
        return { alias, version, previous: current };
      },
    );
    await this.flush();
    return result;
  }

  async deleteAlias(alias: string): Promise<RpcResult<{ alias: string; version: number }>> {
    await this.repairIfDirty();
    const result = this.ctx.storage.transactionSync((): RpcResult<{ alias: string; version: number }> => {
      const current = this.store.aliasTarget(alias);
      if (current === null) return fail("not_found", `alias '${alias}' not found`);
      const at = Date.now();
      this.store.moveAlias(alias, null, at);
      this.store.setMeta("updatedAt", at);
      return { alias, version: current };
    });
    await this.flush();
    return result;
  }

  /** Changes metadata, description or tags; they live here too, so a mirror repair never undoes them. */
  async updateVersion(number: number, patch: VersionPatch): Promise<RpcResult<StoredVersion>> {
    await this.repairIfDirty();
    const result = this.ctx.storage.transactionSync((): RpcResult<StoredVersion> => {
      const version = this.store.version(number);
      if (!version || version.deletedAt !== null) return fail("not_found", `version 'v${number}' not found`);
      const next = { ...version, ...patch };
      this.store.updateVersion(next, this.store.nextSeq());
      this.store.setMeta("updatedAt", Date.now());
      return next;
    });
    await this.flush();
    return result;
  }

  /**
   * Marks a version deleted (its number is never reused). Aliases other than `latest` block it unless
   * `deleteAliases`; `latest` moves to the highest remaining version.
   */
  async deleteVersion(number: number, deleteAliases: boolean): Promise<RpcResult<StoredVersion>> {
    await this.repairIfDirty();
    const result = this.ctx.storage.transactionSync((): RpcResult<StoredVersion> => {
      const version = this.store.version(number);
      if (!version || version.deletedAt !== null) return fail("not_found", `version 'v${number}' not found`);
      const blocking = version.aliases.filter((alias) => alias !== LATEST);
      if (blocking.length > 0 && !deleteAliases) {
        return fail(
          "alias_in_use",
          `v${number} still has aliases ${blocking.join(", ")}; move them or pass deleteAliases=true`,
          { aliases: blocking },
        );
      }
      const at = Date.now();
      for (const alias of blocking) this.store.moveAlias(alias, null, at);
      const deleted = { ...version, deletedAt: at, aliases: [] };
      this.store.updateVersion(deleted, this.store.nextSeq());
      this.store.moveAlias(LATEST, this.store.latestLive()?.number ?? null, at);
      this.store.setMeta("updatedAt", at);
      return deleted;
    });
    await this.flush();
    return result;
  }

  async listAliases(): Promise<AliasRow[]> {
    await this.repairIfDirty();
    return this.store.aliases();
  }

  async aliasHistory(alias: string): Promise<AliasHistoryRow[]> {
    await this.repairIfDirty();
    return this.store.aliasHistory(alias);
  }

  /** Everything the object knows, for checks (fsck, tests); null before the first commit. */
  async state(): Promise<ArtifactState | null> {
    if (!this.store.getMeta("type")) return null;
    return { ...this.info(), versions: this.store.allVersions(), aliases: this.store.aliases() };
  }

  /**
   * `state()` after finishing any mirror write a crash or a failed D1 write left pending (what the next
   * call of any kind would do), saying whether anything was still unmirrored. fsck compares D1
   * against this, so a mirror that is merely behind is caught up, and only a real divergence remains.
   */
  async settledState(): Promise<{ state: ArtifactState | null; pendingMirror: boolean }> {
    const pendingMirror = hasDirty(this.store);
    await this.repairIfDirty();
    return { state: await this.state(), pendingMirror };
  }

  /** Rewrites the whole D1 mirror of this artifact from the object's state. */
  async repairMirror(): Promise<void> {
    this.store.markAllDirty();
    await this.flush();
  }

  private initialise(input: CommitInput, now: number): void {
    this.store.setMeta("artifactId", crypto.randomUUID());
    this.store.setMeta("teamId", input.identity.teamId);
    this.store.setMeta("projectId", input.identity.projectId);
    this.store.setMeta("name", input.identity.name);
    this.store.setMeta("type", input.type);
    this.store.setMeta("createdAt", now);
    this.store.setMeta("nextNumber", 0);
  }

  private info(): ArtifactInfo {
    return {
      artifactId: this.store.getMeta("artifactId") ?? "",
      type: this.store.getMeta("type") ?? "",
      createdAt: Number(this.store.getMeta("createdAt") ?? "0"),
    };
  }

  /** "If a write to D1 failed, the next call repairs it." */
  private async repairIfDirty(): Promise<void> {
    if (hasDirty(this.store)) await this.flush().catch(() => undefined);
  }

  /**
   * Runs a mirror after every change made so far. A caller whose change is already covered by a queued
   * mirror (one that has not taken its snapshot yet) waits for that one instead of queueing another.
   * A failed D1 write is logged and left dirty: the object's decision stands and the next call retries.
   */
  private flush(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return mirrorDirty(this.store, this.env.DB);
      })
      .catch((error: unknown) => {
        console.error(JSON.stringify({ what: "artifact mirror failed", error: String(error) }));
      });
    this.queued = next;
    this.running = next;
    return next;
  }
}
