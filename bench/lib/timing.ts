/** @module Timing helpers: wall-clock seconds of an async step, and rates derived from them. */

export interface Timed<T> {
  seconds: number;
  value: T;
}

export async function timed<T>(step: () => Promise<T> | T): Promise<Timed<T>> {
  const start = process.hrtime.bigint();
  const value = await step();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** MB/s (10^6 bytes, like the figures). */
export function mbPerSecond(bytes: number, seconds: number): number {
  return seconds > 0 ? bytes / 1e6 / seconds : 0;
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Runs `worker` over `items` with at most `limit` in flight; rejects on the first failure. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
