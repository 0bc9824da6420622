/**
 * @module A safe Markdown subset (headings, paragraphs, lists, fenced and inline code, emphasis, links) for
 * version descriptions. Every piece of text is escaped; there is no raw-HTML passthrough; links keep only
 * http(s) and relative targets, so `javascript:`/`data:` links become plain text.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML content and in double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * The href to use for a Markdown link target, or null when it must not be a link. A scheme is anything
 * before a ':' that comes before the first '/', '?' or '#'; browsers ignore whitespace and control
 * characters inside a scheme ("java\tscript:"), so those are removed before looking.
 */
export function safeHref(target: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop these inside URLs, so we must too
  const squeezed = target.replace(/[\u0000-\u0020\u007f]/g, "");
  if (squeezed === "" || squeezed.includes("\\")) return null;
  const colon = squeezed.indexOf(":");
  const boundary = squeezed.search(/[/?#]/);
  const hasScheme = colon >= 0 && (boundary < 0 || colon < boundary);
  if (hasScheme && !/^https?:\/\//i.test(squeezed)) return null;
  return squeezed;
}

const LINK = /\[([^\]\n]{1,500})\]\(((?:[^\s()]|\([^\s()]{0,200}\)){1,2000})\)/y;
/** Nesting beyond this is rendered as text: a hostile description must not exhaust the stack. */
const MAX_NESTING = 8;

/** Renders inline Markdown (code spans, links, strong, emphasis) to escaped HTML. */
export function renderInline(text: string, allowLinks = true, depth = 0): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === "`") {
      const end = text.indexOf("`", i + 1);
      if (end > i) {
        out += `<code>${escapeHtml(text.slice(i + 1, end))}</code>`;
        i = end + 1;
        continue;
      }
    }
    if (ch === "[" && allowLinks) {
      LINK.lastIndex = i;
      const match = LINK.exec(text);
      if (match) {
        const label = renderInline(match[1] ?? "", false, depth + 1);
        const href = safeHref(match[2] ?? "");
        out += href ? `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer">${label}</a>` : label;
        i += match[0].length;
        continue;
      }
    }
    if ((ch === "*" || ch === "_") && depth < MAX_NESTING) {
      const double = text[i + 1] === ch;
      const marker = double ? ch + ch : ch;
      const start = i + marker.length;
      const end = text.indexOf(marker, start);
      const wordStart = ch === "*" || i === 0 || /\W/.test(text[i - 1] ?? " ");
      if (end > start && wordStart && text[start] !== " " && text[end - 1] !== " ") {
        const tag = double ? "strong" : "em";
        out += `<${tag}>${renderInline(text.slice(start, end), allowLinks, depth + 1)}</${tag}>`;
        i = end + marker.length;
        continue;
      }
    }
    out += escapeHtml(ch);
    i++;
  }
  return out;
}

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; lines: string[] }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "code"; lines: string[] }
  | { kind: "quote"; lines: string[] };

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

function parseBlocks(source: string, depth: number): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s{0,3}(```|~~~)/.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").trimStart().startsWith(fence[1] ?? "```")) {
        code.push(lines[i] ?? "");
        i++;
      }
      i++; // the closing fence (or the end of the text)
      blocks.push({ kind: "code", lines: code });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: heading[1]?.length ?? 1, text: heading[2] ?? "" });
      i++;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1] ?? "");
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? "";
        const next = LIST_ITEM.exec(current);
        if (next && /\d/.test(next[1] ?? "") === ordered) items.push(next[2] ?? "");
        else if (current.trim() !== "" && /^\s+/.test(current) && items.length > 0) {
          items[items.length - 1] += ` ${current.trim()}`;
        } else break;
        i++;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    if (/^\s{0,3}>/.test(line) && depth < MAX_NESTING) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i] ?? "")) {
        quoted.push((lines[i] ?? "").replace(/^\s{0,3}>\s?/, ""));
        i++;
      }
      blocks.push({ kind: "quote", lines: quoted });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const current = lines[i] ?? "";
      const startsBlock = /^\s{0,3}(```|~~~|#{1,6}\s)/.test(current) || LIST_ITEM.test(current);
      const startsQuote = /^\s{0,3}>/.test(current) && depth < MAX_NESTING;
      if (paragraph.length > 0 && (current.trim() === "" || startsBlock || startsQuote)) break;
      paragraph.push(current.trim());
      i++;
    }
    blocks.push({ kind: "paragraph", lines: paragraph });
  }
  return blocks;
}

function renderBlock(block: Block, depth: number): string {
  switch (block.kind) {
    case "heading": {
      const level = Math.min(6, block.level + 2);
      return `<h${level}>${renderInline(block.text)}</h${level}>`;
    }
    case "paragraph":
      return `<p>${block.lines.map((line) => renderInline(line)).join("\n")}</p>`;
    case "list": {
      const tag = block.ordered ? "ol" : "ul";
      return `<${tag}>${block.items.map((item) => `<li>${renderInline(item)}</li>`).join("")}</${tag}>`;
    }
    case "code":
      return `<pre><code>${escapeHtml(block.lines.join("\n"))}</code></pre>`;
    case "quote":
      return `<blockquote>${renderMarkdown(block.lines.join("\n"), depth + 1)}</blockquote>`;
  }
}

/**
 * Renders Markdown to an HTML fragment that is safe to insert as is. Headings are shifted down two levels
 * (# → h3) because the page already has its own h1 and h2.
 */
export function renderMarkdown(source: string, depth = 0): string {
  return parseBlocks(source, depth)
    .map((block) => renderBlock(block, depth))
    .join("\n");
}
