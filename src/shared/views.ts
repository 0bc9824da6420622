/**
 * @module Response shapes ("views") of the HTTP API: what the Worker produces and the SDK, the CLI and
 * the web pages read. Types only; every time is an ISO 8601 string, as everywhere in the API.
 */
/**
 * One committed version (`GET .../versions/:selector` answers `{ version }`).
 *
 * @example
 * ```ts
 * const view: VersionView = (await api.artifact("model:best")).toJSON();
 * console.log(view.ref, view.files);
 * ```
 */
export interface VersionView {
  artifact: string;
  type: string;
  version: number;
  ref: string;
  digest: string;
  size: number;
  files: number;
  aliases: string[];
  metadata: Record<string, unknown>;
  description: string;
  tags: string[];
  runId: string | null;
  createdAt: string;
}

/**
 * An artifact of a project as `GET .../artifacts` lists it, with its `latest` version (null when every
 * version is deleted) and every alias.
 *
 * @example
 * ```ts
 * const [first]: ArtifactView[] = await api.artifacts({ type: "dataset" });
 * console.log(first?.name, first?.latest?.version);
 * ```
 */
export interface ArtifactView {
  name: string;
  type: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  versionCount: number;
  latest: { version: number; digest: string; size: number; files: number; createdAt: string } | null;
  aliases: { alias: string; version: number }[];
}

/**
 * One move of an alias: the version it pointed at from `at` on (null once removed).
 *
 * @example
 * ```ts
 * const history: AliasHistoryEntry[] = await api.aliasHistory("model", "production");
 * ```
 */
export interface AliasHistoryEntry {
  version: number | null;
  at: string;
}

/** A version in a lineage graph. */
export interface LineageVersionNode {
  kind: "version";
  id: string;
  ref: string;
  artifact: string;
  project: string;
  version: number;
  type: string;
  aliases: string[];
  digest: string;
  /** Empty when the version row is gone. */
  createdAt: string;
  /** Present (true) when the version was deleted: lineage stays explainable, so it is shown, not hidden. */
  deleted?: true;
}

/** A run in a lineage graph. */
export interface LineageRunNode {
  kind: "run";
  id: string;
  runId: string;
  name: string;
  jobType: string;
  /** One of RUN_STATUSES (api.ts) as the Worker sends it; readers take any string and show it as it comes. */
  status: string;
  project: string;
}

export type LineageNode = LineageVersionNode | LineageRunNode;

export interface LineageEdge {
  from: string;
  to: string;
  /** input: version → run (the run used it); output: run → version (the run logged it). */
  kind: "input" | "output";
}

/**
 * The lineage around a version (`GET .../lineage`): version and run nodes; edges run → version
 * (output) and version → run (input); `truncated` when a bound stopped the walk.
 *
 * @example
 * ```ts
 * const graph: LineageGraph = await version.lineage({ direction: "both", depth: 2 });
 * for (const edge of graph.edges) console.log(edge.from, edge.kind, edge.to);
 * ```
 */
export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}
