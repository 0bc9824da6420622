/**
 * @module Lineage graph layout and drawing: lineage JSON (as `GET .../lineage` answers it) → one SVG string.
 * Layered left to right (longest-path layers, barycenter ordering inside a layer); runs are rounded
 * rectangles, versions are hexagons coloured by artifact type; every node is a link; every text escaped.
 */
import type { LineageEdge, LineageRunNode, LineageVersionNode } from "../../shared/views.ts";
import { escapeHtml } from "./markdown.ts";

/**
 * A node as drawing reads it: whole API nodes fit, and so do version nodes without the fields the
 * drawing does not show (digest, creation time).
 */
export type LineageNode = Omit<LineageVersionNode, "digest" | "createdAt"> | LineageRunNode;

export type { LineageEdge };

/** The graph as drawing reads it: the API's graph fits; `truncated` is said by the page, not drawn. */
export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated?: boolean;
}

export interface LineageSvgOptions {
  /** The page each node links to. */
  href: (node: LineageNode) => string;
  /** The node the page is about; drawn with a thicker outline. */
  focusId?: string;
}

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 54;
const COLUMN_GAP = 80;
const ROW_GAP = 22;
const MARGIN = 16;
const MAX_LABEL = 24;
const ORDERING_SWEEPS = 8;
const TYPE_COLOURS = ["#dbeafe", "#dcfce7", "#fae8ff", "#ffedd5", "#e0f2fe", "#fef9c3", "#ede9fe", "#ffe4e6"];

export interface PlacedNode {
  node: LineageNode;
  layer: number;
  row: number;
  x: number;
  y: number;
}

/**
 * Longest-path layering: a node sits one layer right of its furthest predecessor. Lineage should be
 * acyclic, but a run that re-logs the very version it used (invariant 6 returns the existing version) makes
 * a cycle; edges that would close one are ignored for layering (Kahn's order, breaking ties deliberately).
 */
export function assignLayers(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const incoming = new Map<string, Set<string>>();
  const outgoing = new Map<string, string[]>();
  for (const id of ids) {
    incoming.set(id, new Set());
    outgoing.set(id, []);
  }
  for (const edge of edges) {
    if (!ids.has(edge.from) || !ids.has(edge.to) || edge.from === edge.to) continue;
    incoming.get(edge.to)?.add(edge.from);
    outgoing.get(edge.from)?.push(edge.to);
  }
  const layer = new Map<string, number>();
  const done = new Set<string>();
  const remaining = new Map<string, number>();
  for (const [id, from] of incoming) remaining.set(id, from.size);
  const queue = nodes.filter((n) => remaining.get(n.id) === 0).map((n) => n.id);
  while (done.size < ids.size) {
    if (queue.length === 0) {
      // A cycle: release the unfinished node with the fewest unfinished predecessors.
      let pick: string | undefined;
      for (const n of nodes) {
        if (done.has(n.id)) continue;
        if (pick === undefined || (remaining.get(n.id) ?? 0) < (remaining.get(pick) ?? 0)) pick = n.id;
      }
      if (pick === undefined) break;
      queue.push(pick);
    }
    const id = queue.shift() as string;
    if (done.has(id)) continue;
    done.add(id);
    let mine = 0;
    for (const from of incoming.get(id) ?? []) {
      if (done.has(from) && from !== id) mine = Math.max(mine, (layer.get(from) ?? 0) + 1);
    }
    layer.set(id, mine);
    for (const to of outgoing.get(id) ?? []) {
      const left = (remaining.get(to) ?? 0) - 1;
      remaining.set(to, left);
      if (left === 0 && !done.has(to)) queue.push(to);
    }
  }
  return layer;
}

function sortKey(node: LineageNode): string {
  return node.kind === "run" ? `1 ${node.name} ${node.runId}` : `0 ${node.artifact} ${node.version}`;
}

/** Layers, then barycenter sweeps (down, then up) so that edges cross as little as a cheap heuristic can. */
export function layout(graph: LineageGraph): { placed: PlacedNode[]; width: number; height: number } {
  const layerOf = assignLayers(graph.nodes, graph.edges);
  const layerCount = Math.max(0, ...layerOf.values()) + 1;
  const layers: LineageNode[][] = Array.from({ length: layerCount }, () => []);
  for (const node of graph.nodes) layers[layerOf.get(node.id) ?? 0]?.push(node);
  for (const nodesInLayer of layers)
    nodesInLayer.sort((a, b) => sortKey(a).localeCompare(sortKey(b), "en", { numeric: true }));

  const neighbours = new Map<string, { left: string[]; right: string[] }>();
  for (const node of graph.nodes) neighbours.set(node.id, { left: [], right: [] });
  for (const edge of graph.edges) {
    const a = layerOf.get(edge.from);
    const b = layerOf.get(edge.to);
    if (a === undefined || b === undefined || a === b) continue;
    const [left, right] = a < b ? [edge.from, edge.to] : [edge.to, edge.from];
    neighbours.get(right)?.left.push(left);
    neighbours.get(left)?.right.push(right);
  }
  const position = new Map<string, number>();
  const remember = (nodesInLayer: LineageNode[]) => {
    for (const [i, n] of nodesInLayer.entries()) position.set(n.id, i);
  };
  for (const nodesInLayer of layers) remember(nodesInLayer);
  for (let sweep = 0; sweep < ORDERING_SWEEPS; sweep++) {
    const downward = sweep % 2 === 0;
    const order = downward ? layers.keys() : [...layers.keys()].reverse();
    for (const index of order) {
      const nodesInLayer = layers[index] ?? [];
      const centre = new Map<string, number>();
      for (const node of nodesInLayer) {
        const around = downward ? neighbours.get(node.id)?.left : neighbours.get(node.id)?.right;
        const known = (around ?? []).map((id) => position.get(id)).filter((p) => p !== undefined);
        // Nodes without neighbours on that side keep their place.
        centre.set(
          node.id,
          known.length > 0 ? known.reduce((s, p) => s + p, 0) / known.length : (position.get(node.id) ?? 0),
        );
      }
      nodesInLayer.sort((a, b) => (centre.get(a.id) ?? 0) - (centre.get(b.id) ?? 0));
      remember(nodesInLayer);
    }
  }

  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const columnHeight = (count: number) => count * NODE_HEIGHT + (count - 1) * ROW_GAP;
  const placed: PlacedNode[] = [];
  layers.forEach((nodesInLayer, layer) => {
    const offset = (columnHeight(tallest) - columnHeight(nodesInLayer.length)) / 2;
    nodesInLayer.forEach((node, row) => {
      placed.push({
        node,
        layer,
        row,
        x: MARGIN + layer * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN + offset + row * (NODE_HEIGHT + ROW_GAP),
      });
    });
  });
  return {
    placed,
    width: MARGIN * 2 + layerCount * NODE_WIDTH + (layerCount - 1) * COLUMN_GAP,
    height: MARGIN * 2 + columnHeight(tallest),
  };
}

function truncate(text: string, max = MAX_LABEL): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function typeColour(type: string): string {
  let hash = 0;
  for (let i = 0; i < type.length; i++) hash = (hash * 31 + type.charCodeAt(i)) >>> 0;
  return TYPE_COLOURS[hash % TYPE_COLOURS.length] ?? "#eee";
}

function nodeLines(node: LineageNode): [string, string] {
  if (node.kind === "run") {
    const job = node.jobType ? `${node.jobType} · ` : "";
    return [node.name || node.runId, `run · ${job}${node.status}`];
  }
  const aliases = node.aliases.length > 0 ? ` · ${node.aliases.join(", ")}` : "";
  return [`${node.artifact}:v${node.version}`, `${node.type}${aliases}`];
}

function shape(p: PlacedNode, focused: boolean): string {
  const stroke = focused ? ` stroke-width="3"` : "";
  if (p.node.kind === "run") {
    return `<rect class="run" x="${p.x}" y="${p.y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="12" ry="12" fill="#fff7ed" stroke="#c2410c"${stroke}/>`;
  }
  const { x, y } = p;
  const cut = 12;
  const points = [
    [x + cut, y],
    [x + NODE_WIDTH - cut, y],
    [x + NODE_WIDTH, y + NODE_HEIGHT / 2],
    [x + NODE_WIDTH - cut, y + NODE_HEIGHT],
    [x + cut, y + NODE_HEIGHT],
    [x, y + NODE_HEIGHT / 2],
  ]
    .map(([px, py]) => `${px},${py}`)
    .join(" ");
  return `<polygon class="version" points="${points}" fill="${typeColour(p.node.type)}" stroke="#1e3a8a"${stroke}/>`;
}

function edgePath(from: PlacedNode, to: PlacedNode): string {
  const forward = from.x < to.x;
  const x1 = forward ? from.x + NODE_WIDTH : from.x;
  const x2 = forward ? to.x : to.x + NODE_WIDTH;
  const y1 = from.y + NODE_HEIGHT / 2;
  const y2 = to.y + NODE_HEIGHT / 2;
  const bend = forward ? Math.max(30, (x2 - x1) / 2) : -60;
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

/** Draws the graph. The SVG has its natural size; the page scrolls around it. */
export function lineageSvg(graph: LineageGraph, options: LineageSvgOptions): string {
  const { placed, width, height } = layout(graph);
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  const edges = graph.edges
    .map((edge) => {
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (!from || !to || from === to) return "";
      const data = escapeHtml(`${edge.from}->${edge.to}`);
      return `<path class="edge ${edge.kind}" data-edge="${data}" d="${edgePath(from, to)}" marker-end="url(#arrow)"/>`;
    })
    .join("");
  const nodes = placed
    .map((p) => {
      const [title, subtitle] = nodeLines(p.node);
      const tooltip = p.node.kind === "version" ? p.node.ref : `run ${p.node.runId} (${p.node.project})`;
      const textX = p.x + NODE_WIDTH / 2;
      return (
        `<a href="${escapeHtml(options.href(p.node))}" class="node" data-node-id="${escapeHtml(p.node.id)}">` +
        `<title>${escapeHtml(tooltip)}</title>` +
        shape(p, p.node.id === options.focusId) +
        `<text x="${textX}" y="${p.y + 22}" text-anchor="middle" class="label">${escapeHtml(truncate(title))}</text>` +
        `<text x="${textX}" y="${p.y + 40}" text-anchor="middle" class="sub">${escapeHtml(truncate(subtitle, 34))}</text>` +
        "</a>"
      );
    })
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="lineage graph">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>` +
    `<g class="edges" fill="none" stroke="#64748b" stroke-width="1.5">${edges}</g>` +
    `<g class="nodes" font-family="system-ui, sans-serif" font-size="13">${nodes}</g>` +
    "</svg>"
  );
}
