/**
 * @module A reader polling an artifact's versions while writers crash and retry: every version it ever
 * sees must be whole (the file count and size of the full tree), so a partial version never shows.
 */

export interface WatchResult {
  polls: number;
  /** Versions seen at least once. */
  seen: number[];
  /** Descriptions of every partial or unexpected version seen (must stay empty). */
  partial: string[];
}

export function watchVersions(
  url: string,
  key: string,
  artifactPath: string,
  expected: { files: number; size: number },
): { stop(): Promise<WatchResult> } {
  const result: WatchResult = { polls: 0, seen: [], partial: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${url}/api/v1${artifactPath}/versions?limit=100`, {
          headers: { authorization: `Bearer ${key}` },
        });
        result.polls++;
        if (response.ok) {
          const body = (await response.json()) as {
            versions: { version: number; files: number; size: number }[];
          };
          for (const v of body.versions) {
            if (!result.seen.includes(v.version)) result.seen.push(v.version);
            if (v.files !== expected.files || v.size !== expected.size) {
              result.partial.push(`v${v.version}: ${v.files} files, ${v.size} bytes`);
            }
          }
        } else await response.body?.cancel();
      } catch {
        // the server may be down (crash tests): keep watching
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return result;
    },
  };
}
