/** @module Retries with exponential backoff and jitter, and a bounded-concurrency map. */
import { setTimeout as sleep } from "node:timers/promises";

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Whether this error is worth another attempt. */
  retryable: (error: unknown) => boolean;
}

/** Runs `task` until it succeeds, the error is not retryable, or the attempts are used up. */
export async function withRetries<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 8000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (attempt >= attempts || !options.retryable(error)) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}

/**
 * Calls `worker` for every item with at most `concurrency` calls in flight; the first failure stops new
 * calls and is thrown once the running ones have settled.
 */
export async function forEachLimit<T>(
  items: Iterable<T>,
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let index = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure) {
      const next = iterator.next();
      if (next.done) return;
      const i = index++;
      try {
        await worker(next.value, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (failure) throw failure.error;
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
