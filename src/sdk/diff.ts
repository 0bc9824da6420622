/** @module The difference between two versions of one artifact, page by page (`GET .../diff`). */
import type { Api } from "./api.ts";
import { resolveRef } from "./context.ts";
import { CairnError } from "./errors.ts";
import type { FileEntry } from "./types.ts";

/**
 * One page of a diff: entries only in the new version, only in the old one, and at the same path with
 * other content. Pages come in path order.
 *
 * @example
 * ```ts
 * const page: DiffPage = { added: [], removed: [], changed: [] };
 * ```
 */
export interface DiffPage {
  added: FileEntry[];
  removed: FileEntry[];
  changed: { path: string; from: FileEntry; to: FileEntry }[];
}

/**
 * Pages of the difference from `fromRef` to `toRef`, two versions of one artifact. The server reads only
 * the manifest pages the versions do not share, so a one-file change costs one small page.
 *
 * @example
 * ```ts
 * import { Api, diffPages } from "cairn";
 * for await (const page of diffPages(new Api(), "training-data:v3", "training-data:v4")) {
 *   for (const entry of page.added) console.log("+", entry.path);
 * }
 * ```
 */
export async function* diffPages(
  api: Api,
  fromRef: string,
  toRef: string,
  options: { pageSize?: number } = {},
): AsyncGenerator<DiffPage, void, undefined> {
  const ctx = await api.context();
  const from = resolveRef(ctx, fromRef);
  const to = resolveRef(ctx, toRef);
  if (from.team !== to.team || from.project !== to.project || from.name !== to.name) {
    throw new CairnError(
      "validation_failed",
      `'${fromRef}' and '${toRef}' name different artifacts; a diff compares two versions of one artifact`,
      { hint: "Give two versions of the same artifact, e.g. data:v1 data:v2" },
    );
  }
  let cursor: string | undefined;
  do {
    const page: DiffPage & { nextCursor: string | null } = await ctx.client.request(
      "GET",
      ctx.client.artifactPath(from.project, from.name, "/diff", from.team),
      undefined,
      { from: from.selector, to: to.selector, cursor, limit: options.pageSize ?? 1000 },
    );
    yield { added: page.added, removed: page.removed, changed: page.changed };
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
