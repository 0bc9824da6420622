/** @module The one stylesheet, served at /static/cairn.css under a content-hashed URL with a long cache. */
import { sha256Hex } from "../../shared/manifest.ts";

export const CSS = `
:root { --fg:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#fff; --accent:#1d4ed8;
  --danger:#b91c1c; --ok:#15803d; --warn-bg:#fef3c7; --err-bg:#fee2e2; color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color:var(--fg); background:var(--bg); }
a { color:var(--accent); text-decoration:none; }
a:hover { text-decoration:underline; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
header.top { display:flex; gap:16px; align-items:center; padding:10px 20px; background:#0f172a; color:#e2e8f0; flex-wrap:wrap; }
header.top a { color:#e2e8f0; }
header.top .brand { font-weight:700; letter-spacing:.02em; font-size:17px; }
header.top .who { margin-left:auto; display:flex; gap:10px; align-items:center; font-size:13px; color:#cbd5e1; }
header.top form { margin:0; }
main { max-width:1180px; margin:0 auto; padding:16px 20px 48px; }
main.wide { max-width:none; }
.actions { display:flex; gap:6px; align-items:center; flex-wrap:wrap; }
nav.crumbs { font-size:14px; color:var(--muted); margin-bottom:6px; overflow-wrap:anywhere; }
nav.crumbs a { color:var(--muted); }
h1 { font-size:24px; margin:4px 0 12px; overflow-wrap:anywhere; }
h2 { font-size:18px; margin:28px 0 10px; }
h3 { font-size:16px; margin:18px 0 8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; margin:12px 0; }
.grid { display:grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap:10px 24px; }
dl.facts { display:grid; grid-template-columns: max-content 1fr; gap:6px 16px; margin:0; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; overflow-wrap:anywhere; }
.table-wrap { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:10px; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:8px 12px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--muted); background:#f1f5f9; white-space:nowrap; }
tr:last-child td { border-bottom:none; }
td.num, th.num { text-align:right; white-space:nowrap; }
td.path { overflow-wrap:anywhere; }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; background:#e0e7ff; color:#3730a3; font-size:12px; margin:1px 2px; white-space:nowrap; }
.pill.tag { background:#f1f5f9; color:#334155; }
.pill.status-finished { background:#dcfce7; color:var(--ok); }
.pill.status-failed, .pill.status-crashed { background:var(--err-bg); color:var(--danger); }
.pill.status-running { background:#e0f2fe; color:#0369a1; }
.muted { color:var(--muted); }
.notice { padding:10px 14px; border-radius:8px; margin:12px 0; background:#e0f2fe; }
.notice.error { background:var(--err-bg); color:#7f1d1d; }
.notice.warn { background:var(--warn-bg); }
form.inline { display:inline-flex; gap:6px; align-items:center; flex-wrap:wrap; margin:0; }
form.stack { display:grid; gap:8px; max-width:640px; }
label { font-size:14px; color:var(--muted); }
input[type=text], input[type=password], input[type=search], select, textarea {
  font:inherit; padding:6px 10px; border:1px solid #cbd5e1; border-radius:6px; background:#fff; color:var(--fg); max-width:100%; }
textarea { width:100%; min-height:120px; }
button, .button { font:inherit; padding:6px 12px; border-radius:6px; border:1px solid #1e40af; background:var(--accent); color:#fff; cursor:pointer; display:inline-block; }
button.secondary { background:#fff; color:var(--fg); border-color:#cbd5e1; }
button.danger { background:var(--danger); border-color:#7f1d1d; }
header.top button { padding:3px 10px; background:transparent; border-color:#475569; color:#e2e8f0; }
.toolbar { display:flex; gap:12px; flex-wrap:wrap; align-items:center; margin:10px 0; }
.pager { display:flex; gap:12px; margin:10px 0; }
.svg-wrap { overflow:auto; background:var(--card); border:1px solid var(--line); border-radius:10px; padding:8px; max-height:80vh; }
svg.lineage a:hover polygon, svg.lineage a:hover rect { filter: brightness(.95); }
svg.lineage .label { font-weight:600; fill:#0f172a; }
svg.lineage .sub { fill:#475569; font-size:11px; }
.edge.input { stroke-dasharray: 5 3; }
.legend { font-size:13px; color:var(--muted); }
.snippet { position:relative; }
.snippet pre { background:#0f172a; color:#e2e8f0; padding:12px 14px; border-radius:8px; overflow-x:auto; margin:6px 0; }
.snippet button.copy { position:absolute; top:6px; right:6px; padding:2px 8px; font-size:12px; background:#334155; border-color:#475569; }
pre.preview { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px; overflow:auto; max-height:60vh; }
img.preview { max-width:100%; border:1px solid var(--line); border-radius:8px; }
.markdown { overflow-wrap:anywhere; }
.markdown pre { background:#f1f5f9; padding:10px; border-radius:6px; overflow-x:auto; }
ul.tree { list-style:none; padding-left:18px; margin:4px 0; }
details summary { cursor:pointer; }
.added { color:var(--ok); } .removed { color:var(--danger); } .changed { color:#a16207; }
@media (max-width: 640px) {
  main { padding:12px 12px 40px; }
  h1 { font-size:20px; }
  th, td { padding:6px 8px; }
  .hide-narrow { display:none; }
  header.top { padding:8px 12px; }
  header.top .who { margin-left:0; width:100%; }
}
`;

export const CSS_HASH = sha256Hex(CSS).slice(0, 12);
export const CSS_PATH = `/static/cairn.css?v=${CSS_HASH}`;
