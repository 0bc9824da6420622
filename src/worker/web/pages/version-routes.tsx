/**
 * @module Version routes: the version page (files one prefix page at a time, never the whole manifest),
 * file preview, lineage, and the writer actions edit and delete.
 */
import { type Context, Hono } from "hono";
import { raw } from "hono/html";
import { z } from "zod";
import { nameSchema } from "../../../shared/names.ts";
import type { AliasHistoryEntry, LineageGraph, VersionView } from "../../../shared/views.ts";
import type { AppEnv } from "../../context.ts";
import { verifiedBlobKeys } from "../../domain/blobs.ts";
import { ApiError } from "../../errors.ts";
import { readVerifiedBlob } from "../../storage/blob-read.ts";
import { apiCall } from "../api-client.ts";
import { CsrfField, formatBytes, Notice } from "../components.tsx";
import { render, sessionOf } from "../context.ts";
import { listFolder } from "../folder-listing.ts";
import { readSessionForm } from "../form.ts";
import { Layout } from "../layout.tsx";
import { lineageSvg } from "../lineage-svg.ts";
import type { DownloadView } from "../types.ts";
import { type ArtifactAddress, refAddress, urls } from "../urls.ts";
import { artifactCrumbs, canWrite } from "./artifact-routes.tsx";
import { VersionPage } from "./version-page.tsx";

export const versionPages = new Hono<AppEnv>();

const PREVIEW_BYTES = 64 * 1024;
const TEXT_EXTENSIONS = /\.(txt|md|csv|tsv|json|jsonl|ndjson|ya?ml|toml|ini|cfg|py|log|xml|html?|js|ts|sh)$/i;
const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|bmp)$/i;
const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
};

function addressOf(c: Context<AppEnv>): ArtifactAddress & { selector: string } {
  return {
    team: c.req.param("team") ?? "",
    project: c.req.param("project") ?? "",
    artifact: c.req.param("artifact") ?? "",
    selector: c.req.param("selector") ?? "",
  };
}

function versionPath(a: ArtifactAddress & { selector: string }): string {
  return `${urls.api(a)}/versions/${encodeURIComponent(a.selector)}`;
}

versionPages.get("/t/:team/:project/:artifact/:selector", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const prefix = c.req.query("prefix") ?? "";
  const cursor = c.req.query("cursor") ?? null;
  const started = performance.now();
  const folderRequest = {
    env: c.env,
    origin: new URL(c.req.url).origin,
    teamId: session.teamId,
    project: a.project,
    artifact: a.artifact,
    selector: a.selector,
    prefix,
    cursor,
  };
  // The overview and one screen of the folder view, side by side: only the manifest pages that cover the
  // prefix are read.
  let [{ version }, listing] = await Promise.all([
    apiCall<{ version: VersionView }>(c, session.apiKey, "GET", versionPath(a)),
    listFolder(folderRequest),
  ]);
  if (listing.version !== version.version) {
    // An alias moved between the two reads: list the version the overview shows.
    listing = await listFolder({ ...folderRequest, selector: `v${version.version}` });
  }
  const histories = await Promise.all(
    version.aliases.map((alias) =>
      apiCall<{ history: AliasHistoryEntry[] }>(
        c,
        session.apiKey,
        "GET",
        `${urls.api(a)}/aliases/${encodeURIComponent(alias)}/history`,
      )
        .then((answer) => [alias, answer.history] as const)
        .catch(() => [alias, [] as AliasHistoryEntry[]] as const),
    ),
  );
  c.header(
    "server-timing",
    `data;dur=${(performance.now() - started).toFixed(1)};desc="read ${listing.pagesRead} of ${listing.leafPages} manifest pages"`,
    { append: true },
  );
  c.header("x-cairn-pages-read", String(listing.pagesRead));
  return render(
    c,
    <VersionPage
      session={session}
      address={a}
      version={version}
      writer={canWrite(session)}
      history={new Map(histories)}
      listing={listing}
    />,
  );
});

/** Naive CSV split (quotes respected, no multi-line fields): enough for a preview of the first rows. */
export function splitCsvLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

function TextPreview(props: { path: string; text: string; truncated: boolean }) {
  const { path, text } = props;
  if (/\.(csv|tsv)$/i.test(path)) {
    const separator = /\.tsv$/i.test(path) ? "\t" : ",";
    const rows = text
      .split(/\r?\n/)
      .filter((line) => line !== "")
      .slice(0, 200)
      .map((l) => splitCsvLine(l, separator));
    const [head, ...body] = rows;
    return (
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {(head ?? []).map((cell) => (
                <th>{cell}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row) => (
              <tr>
                {row.map((cell) => (
                  <td>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  let shown = text;
  if (/\.json$/i.test(path) && !props.truncated) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not valid JSON: show it as it is
    }
  }
  return <pre class="preview">{shown}</pre>;
}

/**
 * One file of the addressed version, asked of the API with the session's key, so it is authorised like
 * every other page (another team's artifact is a 404 there); undefined when the version has no such path.
 */
async function fileOf(c: Context<AppEnv>, path: string): Promise<DownloadView | undefined> {
  const answer = await apiCall<{ files: DownloadView[]; missing: string[] }>(
    c,
    sessionOf(c).apiKey,
    "POST",
    `${versionPath(addressOf(c))}/download-urls`,
    { body: { paths: [path] } },
  );
  return answer.files[0];
}

/**
 * A file's bytes for a browser, streamed by the Worker through the binding, conditional on the etag
 * recorded at verification: presigned links cannot carry a signed if-match from a browser, and an object
 * rewritten after verification must never be served (invariant 4). Authorised like the preview, by asking
 * the API for the file (another team's artifact is a 404 there).
 */
versionPages.get("/t/:team/:project/:artifact/:selector/download", async (c) => {
  const session = sessionOf(c);
  const path = c.req.query("path") ?? "";
  const sha256 = (await fileOf(c, path))?.sha256;
  if (!sha256) throw new ApiError("not_found", `no stored file '${path}' in this version`);
  const blob = (await verifiedBlobKeys(c.env.DB, session.teamId, [sha256])).get(sha256);
  const object = blob ? await readVerifiedBlob(c.env.BLOBS, blob) : null;
  if (!object) throw new ApiError("blob_missing", `the content of '${path}' is not stored`);
  if (object === "changed") {
    throw new ApiError(
      "digest_mismatch",
      `the stored content of '${path}' changed after it was verified; it is not served (an admin can run fsck)`,
    );
  }
  const name = path.slice(path.lastIndexOf("/") + 1);
  const image = IMAGE_TYPES[name.slice(name.lastIndexOf(".") + 1).toLowerCase()];
  return new Response(object.body, {
    headers: {
      // Images are typed so an <img> shows them; anything else is opaque bytes to save, never rendered.
      "content-type": image ?? "application/octet-stream",
      "content-length": String(object.size),
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      "x-content-type-options": "nosniff",
      etag: object.httpEtag,
    },
  });
});

versionPages.get("/t/:team/:project/:artifact/:selector/preview", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const path = c.req.query("path") ?? "";
  const file = await fileOf(c, path);
  let body = <Notice kind="warn">No such file in this version.</Notice>;
  if (file && !file.sha256) body = <Notice>This is a reference entry: {file.ref}</Notice>;
  else if (file?.sha256 && IMAGE_EXTENSIONS.test(path) && file.url) {
    // Through the Worker, not the presigned URL: a browser cannot send the URL's signed if-match.
    body = <img class="preview" src={urls.download(a, a.selector, path)} alt={path} />;
  } else if (file?.sha256 && TEXT_EXTENSIONS.test(path)) {
    const blob = (await verifiedBlobKeys(c.env.DB, session.teamId, [file.sha256])).get(file.sha256);
    // Only the object that was verified is shown; one rewritten since reads as "changed" (no bytes).
    const object = blob
      ? await readVerifiedBlob(c.env.BLOBS, blob, { offset: 0, length: PREVIEW_BYTES })
      : null;
    if (object === "changed") {
      body = <Notice kind="warn">The stored content changed after it was verified; it is not shown.</Notice>;
    } else if (object) {
      const bytes = await object.arrayBuffer();
      const text = new TextDecoder().decode(bytes);
      const truncated = (file.size ?? 0) > PREVIEW_BYTES;
      body = (
        <>
          {truncated ? <Notice>Showing the first {formatBytes(PREVIEW_BYTES)} only.</Notice> : null}
          <TextPreview path={path} text={text} truncated={truncated} />
        </>
      );
    } else body = <Notice kind="warn">The content is not available.</Notice>;
  } else if (file) {
    body = <Notice>No preview for this kind of file.</Notice>;
  }
  return render(
    c,
    <Layout title={path} session={session} crumbs={artifactCrumbs(a, { label: a.selector })}>
      <h1 class="mono">{path}</h1>
      <p>
        <a href={urls.version(a, a.selector)}>← back to {a.selector}</a>
        {file?.url ? (
          <>
            {" · "}
            <a href={urls.download(a, a.selector, path)}>download</a> ({formatBytes(file.size)})
          </>
        ) : null}
      </p>
      {body}
    </Layout>,
  );
});

const lineageQuery = z.object({
  depth: z.coerce.number().int().min(1).max(20).catch(3),
  direction: z.enum(["up", "down", "both"]).catch("both"),
});

versionPages.get("/t/:team/:project/:artifact/:selector/lineage", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const { depth, direction } = lineageQuery.parse(c.req.query());
  const graph = await apiCall<LineageGraph>(c, session.apiKey, "GET", `${versionPath(a)}/lineage`, {
    query: { depth, direction },
  });
  const focus = graph.nodes.find(
    (n) =>
      n.kind === "version" &&
      n.artifact === a.artifact &&
      n.project === a.project &&
      `v${n.version}` === a.selector,
  );
  const svg = lineageSvg(graph, {
    focusId: focus?.id,
    href: (node) => {
      if (node.kind === "run") return urls.run(a.team, node.project, node.runId);
      const target = refAddress(node.ref);
      return target ? urls.version(target, target.selector) : "#";
    },
  });
  return render(
    c,
    <Layout
      title={`lineage ${a.artifact}:${a.selector}`}
      session={session}
      crumbs={artifactCrumbs(a, { label: a.selector })}
      wide
    >
      <h1>
        Lineage of <a href={urls.version(a, a.selector)}>{`${a.artifact}:${a.selector}`}</a>
      </h1>
      <form class="toolbar" method="get">
        <label>
          depth{" "}
          <select name="depth">
            {[1, 2, 3, 5, 10, 20].map((d) => (
              <option value={String(d)} selected={d === depth}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          direction{" "}
          <select name="direction">
            {(["both", "up", "down"] as const).map((d) => (
              <option value={d} selected={d === direction}>
                {d === "up" ? "upstream" : d === "down" ? "downstream" : "both"}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          Show
        </button>
        <span class="legend">
          hexagon: version · rounded box: run · dashed edge: used by · solid edge: logged by
        </span>
      </form>
      {graph.truncated ? (
        <Notice kind="warn">The graph was cut at its node limit; lower the depth.</Notice>
      ) : null}
      <p class="muted">
        {graph.nodes.length} nodes, {graph.edges.length} edges
      </p>
      {/* lineageSvg escapes every name and href it writes (see test/worker/web-pure.test.ts). */}
      <div class="svg-wrap">{raw(svg)}</div>
    </Layout>,
  );
});

const editForm = z.object({
  description: z.string().max(64 * 1024),
  tags: z.string().max(8192).default(""),
});

versionPages.post("/t/:team/:project/:artifact/:selector/edit", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const form = await readSessionForm(c, session, editForm);
  const tags = form.tags
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  const checked = z.array(nameSchema).safeParse(tags);
  if (!checked.success) {
    return render(
      c,
      <Layout title="Bad tags" session={session} crumbs={artifactCrumbs(a, { label: a.selector })}>
        <h1>Tags not saved</h1>
        <Notice kind="error">
          Each tag must start with a letter or digit and use only letters, digits, '.', '_' or '-'.
        </Notice>
        <a href={urls.version(a, a.selector)}>← back</a>
      </Layout>,
      400,
    );
  }
  await apiCall(c, session.apiKey, "PATCH", versionPath(a), {
    body: { description: form.description.replace(/\r\n/g, "\n"), tags },
  });
  return c.redirect(urls.version(a, a.selector), 303);
});

versionPages.get("/t/:team/:project/:artifact/:selector/delete", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const { version } = await apiCall<{ version: VersionView }>(c, session.apiKey, "GET", versionPath(a));
  const others = version.aliases.filter((alias) => alias !== "latest");
  return render(
    c,
    <Layout
      title={`delete ${a.artifact}:v${version.version}`}
      session={session}
      crumbs={artifactCrumbs(a, { label: a.selector })}
    >
      <h1>
        Delete {a.artifact}:v{version.version}?
      </h1>
      <Notice kind="warn">
        The version disappears from listings and can no longer be downloaded. Its number is never reused.
        {others.length > 0 ? ` Its aliases (${others.join(", ")}) are removed with it.` : ""}
      </Notice>
      {canWrite(session) ? (
        <form method="post" action={urls.delete(a, `v${version.version}`)}>
          <CsrfField session={session} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="danger">
            Delete v{version.version}
          </button>{" "}
          <a href={urls.version(a, `v${version.version}`)}>Cancel</a>
        </form>
      ) : (
        <p>Your key cannot delete versions.</p>
      )}
    </Layout>,
  );
});

versionPages.post("/t/:team/:project/:artifact/:selector/delete", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  await readSessionForm(c, session, z.object({ confirm: z.literal("yes") }));
  await apiCall(c, session.apiKey, "DELETE", versionPath(a), { query: { deleteAliases: "true" } });
  return c.redirect(urls.artifact(a), 303);
});
