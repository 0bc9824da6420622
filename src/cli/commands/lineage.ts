/** @module `cairn lineage REF`: the runs and versions a version came from and led to, drawn as trees. */
import { type LineageNode, type LineageTree, lineageOf, lineageTrees } from "../../sdk/lineage.ts";
import { type Command, requireArgs, stringOption, UsageError } from "../command.ts";

const DIRECTIONS = ["up", "down", "both"] as const;
type Direction = (typeof DIRECTIONS)[number];

export const lineage: Command = {
  name: "lineage",
  usage: "REF [--direction up|down|both] [--depth N] [--type T] [--max-nodes N]",
  summary: "show what a version was made from (up) and what was made from it (down)",
  options: {
    direction: { type: "string" },
    depth: { type: "string" },
    type: { type: "string" },
    "max-nodes": { type: "string" },
  },
  async run(ctx) {
    const [ref = ""] = requireArgs(ctx, 1, "REF");
    const direction = (stringOption(ctx, "direction") ?? "both") as Direction;
    if (!DIRECTIONS.includes(direction)) throw new UsageError("--direction must be up, down or both");
    const depth = intOption(stringOption(ctx, "depth"), "--depth", 1, 20);
    const maxNodes = intOption(stringOption(ctx, "max-nodes"), "--max-nodes", 1, 2000);
    const type = stringOption(ctx, "type");
    const { graph, startId } = await lineageOf(ctx.api(), ref, {
      direction,
      ...(depth === undefined ? {} : { depth }),
      ...(maxNodes === undefined ? {} : { maxNodes }),
      ...(type ? { type } : {}),
    });
    ctx.printJson(graph);
    const trees = lineageTrees(graph, startId);
    const root = graph.nodes.find((node) => node.id === startId);
    if (!root) return 0;
    ctx.print(label(root));
    if (direction !== "down" && trees.upstream) {
      ctx.print(trees.upstream.children.length ? "upstream (made from):" : "upstream: nothing recorded");
      ctx.print(drawChildren(trees.upstream).join("\n"));
    }
    if (direction !== "up" && trees.downstream) {
      ctx.print(trees.downstream.children.length ? "downstream (led to):" : "downstream: nothing recorded");
      ctx.print(drawChildren(trees.downstream).join("\n"));
    }
    if (trees.unreached.length > 0) {
      // The type filter hides versions of other types, so a path through one shows as a gap.
      ctx.print(`not connected once versions of other types are hidden (--type ${type ?? ""}):`);
      for (const node of trees.unreached) ctx.print(`  ${label(node)}`);
    }
    if (graph.truncated) {
      ctx.print(
        `(truncated at ${graph.nodes.length} nodes: narrow with --depth or --type, or raise --max-nodes)`,
      );
    }
    return 0;
  },
};

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be an integer ${min}..${max}`);
  return n;
}

/** `team/p/model:v3 (model) latest,best` or `run train-1a2b3c4d [train, finished]`. */
export function label(node: LineageNode): string {
  if (node.kind === "run") {
    const detail = [node.jobType, node.status].filter(Boolean).join(", ");
    return `run ${node.name}${detail ? ` [${detail}]` : ""}`;
  }
  const deleted = node.deleted ? " (deleted)" : "";
  const aliases = node.aliases.length ? ` ${node.aliases.join(",")}` : "";
  return `${node.ref} (${node.type})${aliases}${deleted}`;
}

/** The children of a tree, with box-drawing branches: `├── `, `└── `, `│   `. */
export function drawChildren(tree: LineageTree, prefix = ""): string[] {
  const lines: string[] = [];
  tree.children.forEach((child, index) => {
    const last = index === tree.children.length - 1;
    lines.push(
      `${prefix}${last ? "└── " : "├── "}${label(child.node)}${child.repeated ? " (shown above)" : ""}`,
    );
    lines.push(...drawChildren(child, `${prefix}${last ? "    " : "│   "}`));
  });
  return lines;
}
