/**
 * @module The SDK engine's concurrency, read from the SDK itself so the raw limits always run at the same
 * concurrency as the CLI they are compared with (defaults stand in while a constant is missing).
 */

export interface EngineConcurrency {
  partConcurrency: number;
  smallConcurrency: number;
  downloadConcurrency: number;
}

async function constant(modulePath: string, name: string, fallback: number): Promise<number> {
  try {
    const module = (await import(modulePath)) as Record<string, unknown>;
    const value = module[name];
    return typeof value === "number" && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

export async function engineConcurrency(): Promise<EngineConcurrency> {
  return {
    partConcurrency: await constant("../../src/sdk/upload/multipart.ts", "PART_CONCURRENCY", 4),
    smallConcurrency: await constant("../../src/sdk/upload/blobs.ts", "SMALL_CONCURRENCY", 16),
    downloadConcurrency: await constant("../../src/sdk/download/download.ts", "DOWNLOAD_CONCURRENCY", 8),
  };
}
