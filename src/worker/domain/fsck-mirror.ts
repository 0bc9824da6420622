/**
 * @module fsck of one artifact's numbers and aliases: the Durable Object's own state (gapless numbers,
 * `latest` on the highest live version, no dangling alias) and D1's mirror of it, row by row.
 */
import type { FsckKind } from "../../shared/fsck.ts";
import type { VersionRow } from "../db/version-row.ts";
import type { ArtifactState, StoredVersion } from "../do/artifact-types.ts";

export interface MirrorRows {
  versions: MirrorVersionRow[];
  aliases: { alias: string; version: number }[];
}

/** D1's version row, with the team it is filed under. */
export interface MirrorVersionRow extends VersionRow {
  team_id: string;
}

export interface Finding {
  kind: FsckKind;
  version?: number;
  detail: string;
}

/** Kinds that a mirror repair (rewriting D1 from the object) fixes. */
export const MIRROR_KINDS: ReadonlySet<FsckKind> = new Set([
  "mirror_missing_version",
  "mirror_extra_version",
  "mirror_version_differs",
  "mirror_alias_differs",
]);

/** D1's mirror rows of one artifact. */
export async function readMirror(db: D1Database, artifactId: string): Promise<MirrorRows> {
  const [versions, aliases] = await db.batch([
    db.prepare("SELECT * FROM versions WHERE artifact_id = ? ORDER BY number").bind(artifactId),
    db.prepare("SELECT alias, version FROM aliases WHERE artifact_id = ? ORDER BY alias").bind(artifactId),
  ]);
  return {
    versions: (versions?.results ?? []) as MirrorVersionRow[],
    aliases: (aliases?.results ?? []) as { alias: string; version: number }[],
  };
}

/** What is wrong inside the object itself: its numbering and its aliases. */
export function objectFindings(state: ArtifactState): Finding[] {
  const findings: Finding[] = [];
  state.versions.forEach((version, index) => {
    if (version.number !== index) {
      findings.push({
        kind: "version_gap",
        version: version.number,
        detail: `version at position ${index} is v${version.number}; numbers must be v0..v${state.versions.length - 1} without gaps`,
      });
    }
  });
  const byNumber = new Map(state.versions.map((version) => [version.number, version]));
  const live = state.versions.filter((version) => version.deletedAt === null);
  const highest = live[live.length - 1];
  const latest = state.aliases.find((row) => row.alias === "latest");
  if ((latest?.version ?? null) !== (highest?.number ?? null)) {
    findings.push({
      kind: "latest_wrong",
      ...(latest ? { version: latest.version } : {}),
      detail: `latest ${latest ? `names v${latest.version}` : "is absent"}; the highest live version is ${highest ? `v${highest.number}` : "none"}`,
    });
  }
  for (const row of state.aliases) {
    const target = byNumber.get(row.version);
    if (!target || target.deletedAt !== null) {
      findings.push({
        kind: "alias_dangling",
        version: row.version,
        detail: `alias '${row.alias}' names v${row.version}, which is ${target ? "deleted" : "unknown"}`,
      });
    }
  }
  return findings;
}

/** Where D1 differs from the object (the source of truth). */
export function mirrorFindings(state: ArtifactState, teamId: string, mirror: MirrorRows): Finding[] {
  const findings: Finding[] = [];
  const rows = new Map(mirror.versions.map((row) => [row.number, row]));
  for (const version of state.versions) {
    const row = rows.get(version.number);
    if (!row) {
      findings.push({
        kind: "mirror_missing_version",
        version: version.number,
        detail: `v${version.number} is committed but has no row in D1`,
      });
      continue;
    }
    const differs = differingFields(version, teamId, row);
    if (differs.length > 0) {
      findings.push({
        kind: "mirror_version_differs",
        version: version.number,
        detail: `D1's v${version.number} differs from the object in ${differs.join(", ")}`,
      });
    }
  }
  const committed = new Set(state.versions.map((version) => version.number));
  for (const row of mirror.versions) {
    if (!committed.has(row.number)) {
      findings.push({
        kind: "mirror_extra_version",
        version: row.number,
        detail: `D1 shows v${row.number}, which the object never committed`,
      });
    }
  }
  const want = aliasText(state.aliases);
  const have = aliasText(mirror.aliases);
  if (want !== have) {
    findings.push({
      kind: "mirror_alias_differs",
      detail: `D1 has aliases {${have}}; the object has {${want}}`,
    });
  }
  return findings;
}

function differingFields(version: StoredVersion, teamId: string, row: MirrorVersionRow): string[] {
  const pairs: [string, unknown, unknown][] = [
    ["team", teamId, row.team_id],
    ["digest", version.digest, row.digest],
    ["root", JSON.stringify(version.root), row.root],
    ["file count", version.fileCount, row.file_count],
    ["size", version.totalSize, row.total_size],
    ["metadata", JSON.stringify(version.metadata), row.metadata],
    ["description", version.description, row.description],
    ["tags", JSON.stringify(version.tags), row.tags],
    ["run", version.runId, row.run_id],
    ["creation time", version.createdAt, row.created_at],
    ["deletion", version.deletedAt, row.deleted_at],
  ];
  return pairs.filter(([, want, have]) => want !== have).map(([name]) => name);
}

function aliasText(rows: readonly { alias: string; version: number }[]): string {
  return [...rows]
    .sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0))
    .map((row) => `${row.alias}=v${row.version}`)
    .join(", ");
}
