/** @module A one-line progress bar on stderr (files, bytes, rate, ETA), redrawn at most 10 times a second. */
import type { Progress } from "../sdk/index.ts";
import { formatBytes, formatDuration } from "./format.ts";

const WIDTH = 24;

export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  #last = 0;
  #phase = "";
  #phaseStart = Date.now();
  #drawn = false;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  update = (p: Progress): void => {
    if (p.phase !== this.#phase) {
      this.#phase = p.phase;
      this.#phaseStart = Date.now();
    }
    const now = Date.now();
    const finished = p.totalFiles > 0 && p.doneFiles >= p.totalFiles;
    if (now - this.#last < 100 && !finished) return;
    this.#last = now;
    if (p.totalFiles === 0 && p.totalBytes === 0) {
      this.#stream.write(`\r${p.phase}…\x1b[K`);
      this.#drawn = true;
      return;
    }
    const fraction =
      p.totalBytes > 0
        ? Math.min(1, p.doneBytes / p.totalBytes)
        : p.totalFiles > 0
          ? p.doneFiles / p.totalFiles
          : 0;
    const filled = Math.round(fraction * WIDTH);
    const elapsed = Math.max(0.001, (now - this.#phaseStart) / 1000);
    const rate = p.doneBytes / elapsed;
    const eta = rate > 0 ? (p.totalBytes - p.doneBytes) / rate : Number.POSITIVE_INFINITY;
    const line =
      `${p.phase.padEnd(11)} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ` +
      `${p.doneFiles}/${p.totalFiles} files  ${formatBytes(p.doneBytes)}/${formatBytes(p.totalBytes)}  ` +
      `${formatBytes(rate)}/s  ETA ${formatDuration(eta)}`;
    const columns = this.#stream.columns || 100;
    this.#stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.#drawn = true;
  };

  done(): void {
    if (this.#drawn) this.#stream.write("\r\x1b[K");
    this.#drawn = false;
  }
}
