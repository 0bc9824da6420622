/** @module `Draft`: a new version based on an existing one, sending only the changed entries. */
import { Artifact } from "./artifact.ts";
import type { SdkContext } from "./context.ts";
import type { ProgressListener } from "./progress.ts";
import { logArtifact } from "./upload/log.ts";
import { ArtifactVersion } from "./version.ts";

/**
 * Changes on top of a base version. Added files are hashed and uploaded as usual; the manifest is not
 * re-sent: only the changed paths travel, and the server re-cuts only the pages they fall in. Starts
 * with the base's metadata and description.
 *
 * @example
 * ```ts
 * const base = await new Api().artifact("training-data:latest");
 * const draft = base.newDraft();
 * draft.addFile("fixes/row-17.csv", { name: "train/row-17.csv" });
 * draft.remove("train/bad-shard");
 * const next = await draft.commit({ aliases: ["cleaned"] });
 * ```
 */
export class Draft {
  readonly base: ArtifactVersion;
  readonly #ctx: SdkContext;
  readonly #changes: Artifact;

  constructor(ctx: SdkContext, base: ArtifactVersion) {
    this.#ctx = ctx;
    this.base = base;
    this.#changes = new Artifact({
      name: base.name,
      type: base.type,
      description: base.description,
      metadata: { ...base.metadata },
    });
  }

  /** The new version's metadata (a copy of the base's until changed). */
  get metadata(): Record<string, unknown> {
    return this.#changes.metadata;
  }

  set metadata(value: Record<string, unknown>) {
    this.#changes.metadata = value;
  }

  get description(): string {
    return this.#changes.description;
  }

  set description(value: string) {
    this.#changes.description = value;
  }

  /**
   * Adds or replaces one file.
   *
   * @example
   * ```ts
   * draft.addFile("model.onnx", { name: "export/model.onnx" });
   * ```
   */
  addFile(file: string, options: { name?: string } = {}): this {
    this.#changes.addFile(file, options);
    return this;
  }

  /**
   * Adds or replaces every file under a directory.
   *
   * @example
   * ```ts
   * draft.addDir("new-images", { name: "images" });
   * ```
   */
  addDir(dir: string, options: { name?: string } = {}): this {
    this.#changes.addDir(dir, options);
    return this;
  }

  /**
   * Adds or replaces a reference entry.
   *
   * @example
   * ```ts
   * draft.addReference("https://example.com/extra.json", { checksum: "sha256:2c26b4..." });
   * ```
   */
  addReference(uri: string, options: { name?: string; checksum?: string; size?: number } = {}): this {
    this.#changes.addReference(uri, options);
    return this;
  }

  /**
   * Removes a path of the base version (a file, or everything under a directory).
   *
   * @example
   * ```ts
   * draft.remove("images/corrupt");
   * ```
   */
  remove(entryPath: string): this {
    this.#changes.remove(entryPath);
    return this;
  }

  /**
   * Uploads new content and commits the new version (or returns the base when nothing changed).
   *
   * @example
   * ```ts
   * const version = await draft.commit({ aliases: ["best"], tags: ["fixed"] });
   * ```
   */
  async commit(
    options: { aliases?: string[]; tags?: string[]; runId?: string; onProgress?: ProgressListener } = {},
  ): Promise<ArtifactVersion> {
    const result = await logArtifact(this.#ctx.client, this.#ctx.cacheRoot, this.#changes, {
      ...options,
      project: this.base.project,
      base: this.base.selector,
    });
    return new ArtifactVersion(this.#ctx, result.version);
  }
}
