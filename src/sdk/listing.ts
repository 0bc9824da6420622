/** @module Paged listings: a version's files by prefix, an artifact's versions. */
import type { ManifestEntry } from "../shared/manifest.ts";
import type { Client } from "./client.ts";
import type { VersionView } from "./types.ts";

export interface VersionAddress {
  team: string;
  project: string;
  name: string;
  /** `vN`, an alias, or `alias@ISO`. */
  selector: string;
}

export function versionPath(client: Client, at: VersionAddress, rest = ""): string {
  return client.artifactPath(
    at.project,
    at.name,
    `/versions/${encodeURIComponent(at.selector)}${rest}`,
    at.team,
  );
}

/** Every entry of a version whose path starts with `prefix`, in path order, 1000 per request. */
export async function* listFiles(
  client: Client,
  at: VersionAddress,
  prefix = "",
): AsyncGenerator<ManifestEntry, void, undefined> {
  let cursor: string | undefined;
  do {
    const page: { files: ManifestEntry[]; nextCursor: string | null } = await client.request(
      "GET",
      versionPath(client, at, "/files"),
      undefined,
      { prefix, cursor, limit: 1000 },
    );
    yield* page.files;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Every version of an artifact (oldest first as the server orders them). */
export async function listVersions(
  client: Client,
  team: string,
  project: string,
  name: string,
): Promise<VersionView[]> {
  const out: VersionView[] = [];
  let cursor: string | undefined;
  do {
    const page: { versions: VersionView[]; nextCursor: string | null } = await client.request(
      "GET",
      client.artifactPath(project, name, "/versions", team),
      undefined,
      { cursor, limit: 1000 },
    );
    out.push(...page.versions);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
