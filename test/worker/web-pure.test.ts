import { describe, expect, it } from "vitest";
import {
  assignLayers,
  type LineageGraph,
  type LineageNode,
  layout,
  lineageSvg,
} from "../../src/worker/web/lineage-svg.ts";
import { escapeHtml, renderMarkdown, safeHref } from "../../src/worker/web/markdown.ts";

const XSS = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;

describe("web markdown (renderMarkdown)", () => {
  it("should render headings, paragraphs, lists, code, emphasis and links", () => {
    const html = renderMarkdown(
      [
        "# Title",
        "",
        "Some *em* and **strong** and `code <b>`.",
        "",
        "- one",
        "- two [docs](https://example.com/a?b=1&c=2)",
        "",
        "1. first",
        "2. second",
        "",
        "```",
        "<raw> & stuff",
        "```",
        "> quoted",
      ].join("\n"),
    );
    expect(html).toContain("<h3>Title</h3>");
    expect(html).toContain(
      "<p>Some <em>em</em> and <strong>strong</strong> and <code>code &lt;b&gt;</code>.</p>",
    );
    expect(html).toContain(
      '<ul><li>one</li><li>two <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">docs</a></li></ul>',
    );
    expect(html).toContain("<ol><li>first</li><li>second</li></ol>");
    expect(html).toContain("<pre><code>&lt;raw&gt; &amp; stuff</code></pre>");
    expect(html).toContain("<blockquote><p>quoted</p></blockquote>");
  });

  it("should escape raw HTML and attribute breakouts everywhere", () => {
    const html = renderMarkdown(
      `${XSS}\n\n# ${XSS}\n\n- ${XSS}\n\n[${XSS}](https://x.test/${encodeURIComponent(XSS)})`,
    );
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  it("should drop javascript:, data: and other scheme links but keep their text", () => {
    for (const target of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      "vbscript:x",
      "javascript&#58;alert(1)",
    ]) {
      const html = renderMarkdown(`[click](${target})`);
      if (target.includes("&#58;")) {
        // Not a scheme at all: a relative link whose '&' is escaped, so the browser never decodes ':'.
        expect(html).toContain('href="javascript&amp;#58;alert(1)"');
      } else if (/\s/.test(target)) {
        // Whitespace ends a link target, so this is not a link at all.
        expect(html, target).not.toContain("href");
      } else {
        expect(html, target).toBe("<p>click</p>");
      }
    }
    expect(safeHref("/t/team/p")).toBe("/t/team/p");
    expect(safeHref("../v2#files")).toBe("../v2#files");
    expect(safeHref("http://a.test/x")).toBe("http://a.test/x");
    expect(safeHref("mailto:a@b.c")).toBeNull();
    expect(safeHref("a/b:c")).toBe("a/b:c");
  });

  it("should survive hostile nesting without exhausting the stack", () => {
    const deep = `${">".repeat(20_000)} x\n${"*".repeat(20_000)}a${"*".repeat(20_000)}\n${"[".repeat(20_000)}`;
    const started = Date.now();
    const html = renderMarkdown(deep);
    expect(html.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("should escape every HTML special character", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

function version(id: string, artifact: string, v: number, aliases: string[] = []): LineageNode {
  return {
    kind: "version",
    id,
    ref: `t/p/${artifact}:v${v}`,
    artifact,
    project: "p",
    version: v,
    type: "dataset",
    aliases,
  };
}

function run(id: string, name: string): LineageNode {
  return { kind: "run", id, runId: id, name, jobType: "train", status: "finished", project: "p" };
}

describe("web lineage SVG (lineageSvg)", () => {
  const pipeline: LineageGraph = {
    nodes: [
      run("r1", "ingest"),
      version("raw", "raw", 0, ["latest"]),
      run("r2", "clean"),
      version("clean", "clean", 0),
      run("r3", "train"),
      version("model", "model", 1, ["best"]),
    ],
    edges: [
      { from: "r1", to: "raw", kind: "output" },
      { from: "raw", to: "r2", kind: "input" },
      { from: "r2", to: "clean", kind: "output" },
      { from: "clean", to: "r3", kind: "input" },
      { from: "r3", to: "model", kind: "output" },
    ],
    truncated: false,
  };

  it("should layer a pipeline left to right by longest path", () => {
    const layers = assignLayers(pipeline.nodes, pipeline.edges);
    expect(Object.fromEntries(layers)).toEqual({ r1: 0, raw: 1, r2: 2, clean: 3, r3: 4, model: 5 });
    const shortcut = assignLayers(pipeline.nodes, [
      ...pipeline.edges,
      { from: "raw", to: "r3", kind: "input" },
    ]);
    expect(shortcut.get("r3")).toBe(4);
  });

  it("should lay out a cycle without looping forever", () => {
    const layers = assignLayers(
      [version("a", "a", 0), run("r", "r")],
      [
        { from: "a", to: "r", kind: "input" },
        { from: "r", to: "a", kind: "output" },
      ],
    );
    expect(layers.size).toBe(2);
  });

  it("should draw every node as a link and every edge with an arrowhead", () => {
    const svg = lineageSvg(pipeline, { href: (n) => `/x/${n.id}`, focusId: "clean" });
    for (const id of ["r1", "raw", "r2", "clean", "r3", "model"]) {
      expect(svg).toContain(`<a href="/x/${id}" class="node" data-node-id="${id}">`);
    }
    expect(svg.match(/<path class="edge /g)).toHaveLength(5);
    expect(svg).toContain('data-edge="raw-&gt;r2"');
    expect(svg).toContain('marker-end="url(#arrow)"');
    expect(svg.match(/<rect class="run"/g)).toHaveLength(3);
    expect(svg.match(/<polygon class="version"/g)).toHaveLength(3);
    expect(svg).toContain("dataset · latest");
    expect(svg).toContain('stroke-width="3"');
  });

  it("should escape names, aliases and hrefs", () => {
    const hostile: LineageGraph = {
      nodes: [
        { kind: "run", id: `r"<x>`, runId: "r", name: XSS, jobType: XSS, status: XSS, project: "p" },
        {
          kind: "version",
          id: `v'1`,
          ref: XSS,
          artifact: XSS,
          project: "p",
          version: 0,
          type: XSS,
          aliases: [XSS],
        },
      ],
      edges: [{ from: `r"<x>`, to: `v'1`, kind: "output" }],
    };
    const svg = lineageSvg(hostile, { href: () => `/a?"><script>` });
    expect(svg).not.toMatch(/<script|<img/i);
    expect(svg).toContain('href="/a?&quot;&gt;&lt;script&gt;"');
    expect(svg).toContain('data-node-id="r&quot;&lt;x&gt;"');
  });

  it("should grow with the graph: 60 nodes stay readable and ordered to avoid crossings", () => {
    const nodes: LineageNode[] = [];
    const edges: LineageGraph["edges"] = [];
    for (let i = 0; i < 20; i++) {
      nodes.push(
        version(`in${i}`, `shard${i}`, 0),
        run(`r${i}`, `prep${i}`),
        version(`out${i}`, `feat${i}`, 0),
      );
      edges.push(
        { from: `in${i}`, to: `r${i}`, kind: "input" },
        { from: `r${i}`, to: `out${i}`, kind: "output" },
      );
    }
    const { placed, width, height } = layout({ nodes, edges });
    expect(placed).toHaveLength(60);
    expect(height).toBeGreaterThan(20 * 54);
    expect(width).toBeGreaterThan(3 * 210);
    const row = new Map(placed.map((p) => [p.node.id, p.row]));
    // Each chain stays on one row: no crossings.
    for (let i = 0; i < 20; i++) {
      expect(row.get(`r${i}`)).toBe(row.get(`in${i}`));
      expect(row.get(`out${i}`)).toBe(row.get(`r${i}`));
    }
    const svg = lineageSvg({ nodes, edges }, { href: () => "/" });
    expect(svg).toContain(`width="${width}" height="${height}"`);
  });
});
