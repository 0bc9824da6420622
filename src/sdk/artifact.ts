/** @module `Artifact`: a new version being assembled from local files, directories and references. */
import { statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { ManifestEntry, ReferenceEntry } from "../shared/manifest.ts";
import { comparePaths } from "../shared/manifest.ts";
import { pathProblem } from "../shared/names.ts";
import { CairnError } from "./errors.ts";
import { type LocalFile, walkDir } from "./walk.ts";

/**
 * What a new artifact is: its name and type (fixed for the artifact), and this version's description
 * and metadata.
 *
 * @example
 * ```ts
 * const options: ArtifactOptions = { name: "training-data", type: "dataset", metadata: { rows: 1200 } };
 * ```
 */
export interface ArtifactOptions {
  name: string;
  type: string;
  description?: string;
  metadata?: Record<string, unknown>;
}

type Staged =
  | { op: "file"; abs: string; name: string }
  | { op: "dir"; abs: string; name: string }
  | { op: "ref"; entry: ReferenceEntry }
  | { op: "remove"; path: string };

/** The resolved content: local files to hash and upload, and references to record as they are. */
export interface ResolvedContent {
  files: LocalFile[];
  references: ReferenceEntry[];
  removals: string[];
}

function toManifestPath(name: string): string {
  return name
    .split(path.sep)
    .join("/")
    .replace(/^\.\/+/, "");
}

/**
 * A version to log, built up from files, directories and references. Nothing is read or sent until
 * `run.logArtifact(artifact)`; files are checked to exist when added.
 *
 * @example
 * ```ts
 * import { Artifact, init } from "cairn";
 * const artifact = new Artifact({ name: "training-data", type: "dataset", metadata: { source: "s3" } });
 * artifact.addFile("data/train.csv");
 * artifact.addDir("data/images", { name: "images" });
 * artifact.addReference("https://example.com/labels.json", { checksum: "sha256:9f86d0..." });
 * const run = await init({ project: "my-ml-project" });
 * await run.logArtifact(artifact, { aliases: ["best"] });
 * ```
 */
export class Artifact {
  readonly name: string;
  readonly type: string;
  description: string;
  metadata: Record<string, unknown>;
  readonly #staged: Staged[] = [];

  constructor(options: ArtifactOptions) {
    this.name = options.name;
    this.type = options.type;
    this.description = options.description ?? "";
    this.metadata = options.metadata ?? {};
  }

  /**
   * Adds one file, named `name` inside the artifact (default: its base name).
   *
   * @example
   * ```ts
   * artifact.addFile("out/model.safetensors", { name: "weights/model.safetensors" });
   * ```
   */
  addFile(file: string, options: { name?: string } = {}): this {
    const abs = path.resolve(file);
    const stat = statOrThrow(abs, file);
    if (!stat.isFile()) {
      throw new CairnError("local_file", `'${file}' is not a regular file`, {
        hint: "Use addDir for a directory",
      });
    }
    const name = toManifestPath(options.name ?? path.basename(abs));
    checkPath(name);
    this.#staged.push({ op: "file", abs, name });
    return this;
  }

  /**
   * Adds every file under a directory, under the prefix `name` (default: at the root of the artifact).
   *
   * @example
   * ```ts
   * artifact.addDir("data/", { name: "train" }); // data/a.csv → train/a.csv
   * ```
   */
  addDir(dir: string, options: { name?: string } = {}): this {
    const abs = path.resolve(dir);
    const stat = statOrThrow(abs, dir);
    if (!stat.isDirectory()) {
      throw new CairnError("local_file", `'${dir}' is not a directory`, { hint: "Use addFile for a file" });
    }
    const name = options.name ? toManifestPath(options.name).replace(/\/+$/, "") : "";
    if (name) checkPath(name);
    this.#staged.push({ op: "dir", abs, name });
    return this;
  }

  /**
   * Records a file that stays where it is (http, https, s3 or gs URI). Give `checksum` as
   * `sha256:<hex>` (or `etag:<value>`) so downloads can be verified.
   *
   * @example
   * ```ts
   * artifact.addReference("s3://bucket/shard-0001.tar", { size: 1_073_741_824 });
   * ```
   */
  addReference(uri: string, options: { name?: string; checksum?: string; size?: number } = {}): this {
    let name = options.name;
    if (!name) {
      const tail = uri
        .replace(/[?#].*$/, "")
        .replace(/\/+$/, "")
        .split("/")
        .pop();
      name = tail ? decodeURIComponent(tail) : "";
    }
    checkPath(name);
    this.#staged.push({
      op: "ref",
      entry: {
        path: name,
        ref: uri,
        ...(options.checksum ? { checksum: options.checksum } : {}),
        ...(options.size === undefined ? {} : { size: options.size }),
      },
    });
    return this;
  }

  /**
   * Removes a path (a file, or everything under a directory prefix) added before. On a draft it
   * removes the path from the base version.
   *
   * @example
   * ```ts
   * artifact.addDir("data").remove("scratch");
   * ```
   */
  remove(entryPath: string): this {
    const p = toManifestPath(entryPath).replace(/\/+$/, "");
    checkPath(p);
    this.#staged.push({ op: "remove", path: p });
    return this;
  }

  /** Walks directories and applies removals. Throws on two sources for one path. */
  async resolve(): Promise<ResolvedContent> {
    const byPath = new Map<string, LocalFile | ReferenceEntry>();
    const removals: string[] = [];
    const put = (p: string, value: LocalFile | ReferenceEntry) => {
      checkPath(p);
      if (byPath.has(p)) {
        throw new CairnError("path_conflict", `'${p}' was added twice to artifact '${this.name}'`, {
          hint: "Give one of them another name, or remove() it first",
        });
      }
      byPath.set(p, value);
    };
    for (const staged of this.#staged) {
      if (staged.op === "file") {
        put(staged.name, { path: staged.name, abs: staged.abs, stat: await fs.stat(staged.abs) });
      } else if (staged.op === "dir") {
        for (const file of await walkDir(staged.abs, staged.name)) put(file.path, file);
      } else if (staged.op === "ref") {
        put(staged.entry.path, staged.entry);
      } else {
        let removed = false;
        for (const p of [...byPath.keys()]) {
          if (p === staged.path || p.startsWith(`${staged.path}/`)) {
            byPath.delete(p);
            removed = true;
          }
        }
        if (!removed) removals.push(staged.path);
      }
    }
    const files: LocalFile[] = [];
    const references: ReferenceEntry[] = [];
    for (const value of byPath.values()) {
      if ("abs" in value) files.push(value);
      else references.push(value);
    }
    files.sort((a, b) => comparePaths(a.path, b.path));
    return { files, references, removals };
  }
}

function statOrThrow(abs: string, shown: string) {
  try {
    return statSync(abs);
  } catch {
    throw new CairnError("local_file", `'${shown}' does not exist`, { hint: "Check the path" });
  }
}

function checkPath(p: string): void {
  const problem = pathProblem(p);
  if (problem) throw new CairnError("validation_failed", `bad artifact path '${p}': ${problem}`);
}

export type { ManifestEntry };
