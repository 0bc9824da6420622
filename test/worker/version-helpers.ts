/** @module Test helpers for versions: verified blobs through the real routes, entries, commits, D1 counts. */
import type { ManifestEntry } from "../../src/shared/manifest.ts";
import { complete, content, prepare, teamId, upload } from "./blob-helpers.ts";
import { call, env, type TestTeam } from "./helpers.ts";

/** Makes a blob verified for the team the way a client does: prepare, PUT bytes, complete. */
export async function verifiedBlob(
  team: TestTeam,
  bytes?: Uint8Array,
): Promise<{ sha256: string; size: number; bytes: Uint8Array }> {
  const blob = bytes ? { bytes, ...(await digestOf(bytes)) } : await content(64);
  const [plan] = await prepare(team.team, team.writer, [{ sha256: blob.sha256, size: blob.size }]);
  if (plan && plan.status !== "present") {
    const done = await complete(team.team, team.writer, [await upload(plan, blob.bytes)]);
    if (done[0]?.status !== "verified") throw new Error(`blob not verified: ${JSON.stringify(done)}`);
  }
  return { sha256: blob.sha256, size: blob.size, bytes: blob.bytes };
}

async function digestOf(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { sha256, size: bytes.byteLength };
}

/** A reference entry (needs no blob). */
export function ref(path: string, tag = "a"): ManifestEntry {
  return { path, ref: `https://example.com/${tag}/${encodeURIComponent(path)}`, size: path.length };
}

export function refs(count: number, prefix = "f", tag = "a"): ManifestEntry[] {
  return Array.from({ length: count }, (_, i) => ref(`${prefix}/${String(i).padStart(6, "0")}.txt`, tag));
}

export function artifactsPath(team: TestTeam, name = "", project = "p"): string {
  return `/teams/${team.team}/projects/${project}/artifacts${name ? `/${name}` : ""}`;
}

/** Commits inline entries and returns the answer (status checked). */
export async function commitEntries(
  team: TestTeam,
  name: string,
  entries: ManifestEntry[],
  extra: Record<string, unknown> = {},
  status = 201,
): Promise<any> {
  return call("POST", `${artifactsPath(team, name)}/versions`, {
    key: team.writer,
    body: { type: "dataset", entries, ...extra },
    status,
  });
}

export async function countRows(table: string, where: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Artifact and version rows of a team (to assert nothing was left behind). */
export async function artifactRows(team: TestTeam): Promise<{ artifacts: number; versions: number }> {
  const id = await teamId(team.team);
  return {
    artifacts: await countRows("artifacts", "team_id = ?", id),
    versions: await countRows("versions", "team_id = ?", id),
  };
}

export { teamId };
