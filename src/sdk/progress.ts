/** @module Progress events of long transfers, for progress bars (the CLI draws them; the SDK only reports). */

/**
 * A snapshot of a transfer: `phase` says what is happening; totals may grow while files are discovered.
 *
 * @example
 * ```ts
 * const onProgress = (p: Progress) => console.error(`${p.phase} ${p.doneBytes}/${p.totalBytes}`);
 * await run.logArtifact(artifact, { onProgress });
 * ```
 */
export interface Progress {
  phase: "hashing" | "uploading" | "committing" | "downloading" | "verifying";
  doneFiles: number;
  totalFiles: number;
  doneBytes: number;
  totalBytes: number;
}

/**
 * A callback receiving progress snapshots; it must be cheap (it can be called thousands of times).
 *
 * @example
 * ```ts
 * const listener: ProgressListener = (p) => process.stderr.write(`\r${p.doneFiles}/${p.totalFiles}`);
 * await version.download({ onProgress: listener });
 * ```
 */
export type ProgressListener = (progress: Progress) => void;

/** Mutable counters that notify a listener. */
export class ProgressTracker {
  readonly #listener: ProgressListener | undefined;
  #state: Progress;

  constructor(phase: Progress["phase"], listener?: ProgressListener) {
    this.#listener = listener;
    this.#state = { phase, doneFiles: 0, totalFiles: 0, doneBytes: 0, totalBytes: 0 };
  }

  start(phase: Progress["phase"], totalFiles: number, totalBytes: number): void {
    this.#state = { phase, doneFiles: 0, totalFiles, doneBytes: 0, totalBytes };
    this.#emit();
  }

  addBytes(bytes: number): void {
    this.#state.doneBytes += bytes;
    this.#emit();
  }

  addFiles(files: number): void {
    this.#state.doneFiles += files;
    this.#emit();
  }

  get snapshot(): Progress {
    return { ...this.#state };
  }

  #emit(): void {
    this.#listener?.({ ...this.#state });
  }
}
