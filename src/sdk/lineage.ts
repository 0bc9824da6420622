/**
 * @module Lineage for people: fetch a version's lineage graph by reference, and turn the graph (a DAG
 * that may hold cycles) into upstream and downstream trees, each node expanded once.
 */
import type { Api } from "./api.ts";
import type { LineageGraph, LineageNode } from "./types.ts";
import type { LineageOptions } from "./version.ts";

export type { LineageNode } from "./types.ts";

/**
 * One node of a lineage tree. `repeated` marks a node already expanded elsewhere in the same tree
 * (a diamond or a cycle): it is shown, but its children are not repeated.
 *
 * @example
 * ```ts
 * const visit = (tree: LineageTree, depth = 0): void => {
 *   console.log(" ".repeat(depth * 2) + tree.node.id);
 *   for (const child of tree.children) visit(child, depth + 1);
 * };
 * ```
 */
export interface LineageTree {
  node: LineageNode;
  children: LineageTree[];
  repeated: boolean;
}

/**
 * The lineage graph of the version `ref` names, with the start node's id.
 *
 * @example
 * ```ts
 * import { Api, lineageOf } from "cairn";
 * const { graph, startId } = await lineageOf(new Api(), "model:latest", { direction: "up", depth: 10 });
 * console.log(graph.nodes.length, graph.truncated, startId);
 * ```
 */
export async function lineageOf(
  api: Api,
  ref: string,
  options: LineageOptions = {},
): Promise<{ graph: LineageGraph; startId: string; startRef: string }> {
  const version = await api.artifact(ref);
  const graph = await version.lineage(options);
  const start =
    graph.nodes.find((node) => node.kind === "version" && node.ref === version.ref) ?? graph.nodes[0];
  return { graph, startId: start?.id ?? "", startRef: version.ref };
}

/**
 * Trees from the start node: `upstream` follows edges backwards (what it was made from), `downstream`
 * forwards (what was made from it). Each tree expands a node once; later sightings are `repeated`.
 * `unreached` lists nodes neither tree reaches (a type filter can cut the path to them).
 *
 * @example
 * ```ts
 * import { lineageTrees } from "cairn";
 * const { upstream, downstream } = lineageTrees(graph, startId);
 * console.log(upstream?.children.length, downstream?.children.length);
 * ```
 */
export function lineageTrees(
  graph: LineageGraph,
  startId: string,
): { upstream: LineageTree | null; downstream: LineageTree | null; unreached: LineageNode[] } {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const edge of graph.edges) {
    children.set(edge.from, [...(children.get(edge.from) ?? []), edge.to]);
    parents.set(edge.to, [...(parents.get(edge.to) ?? []), edge.from]);
  }
  const reached = new Set<string>();
  const build = (next: Map<string, string[]>): LineageTree | null => {
    const root = byId.get(startId);
    if (!root) return null;
    const expanded = new Set<string>([startId]);
    reached.add(startId);
    const tree: LineageTree = { node: root, children: [], repeated: false };
    // Breadth first, so a node is expanded at its nearest position and repeats point back up the tree.
    const queue: LineageTree[] = [tree];
    for (let current = queue.shift(); current; current = queue.shift()) {
      for (const id of sortIds(next.get(current.node.id) ?? [], byId)) {
        const node = byId.get(id);
        if (!node) continue;
        reached.add(id);
        const repeated = expanded.has(id);
        const child: LineageTree = { node, children: [], repeated };
        current.children.push(child);
        if (!repeated) {
          expanded.add(id);
          queue.push(child);
        }
      }
    }
    return tree;
  };
  const upstream = build(parents);
  const downstream = build(children);
  return { upstream, downstream, unreached: graph.nodes.filter((node) => !reached.has(node.id)) };
}

/** Versions before runs, then by label, so the same graph always draws the same tree. */
function sortIds(ids: string[], byId: Map<string, LineageNode>): string[] {
  const label = (id: string) => {
    const node = byId.get(id);
    if (!node) return `2${id}`;
    return node.kind === "version" ? `0${node.ref}` : `1${node.name}\u0000${node.runId}`;
  };
  return [...new Set(ids)].sort((a, b) => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
}
