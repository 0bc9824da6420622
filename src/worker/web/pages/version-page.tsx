/** @module The version page: overview, description, metadata, aliases with history, "use it" snippets, files. */
import { raw } from "hono/html";
import type { AliasHistoryEntry, VersionView } from "../../../shared/views.ts";
import { CsrfField, formatBytes, formatCount, JsonTree, Pills, Time } from "../components.tsx";
import type { FolderScreen } from "../folder-listing.ts";
import { Layout } from "../layout.tsx";
import { renderMarkdown } from "../markdown.ts";
import type { WebSession } from "../session.ts";
import { type ArtifactAddress, urls } from "../urls.ts";
import { AliasMoveForm, AliasRemoveForm, artifactCrumbs } from "./artifact-routes.tsx";

type FolderListing = FolderScreen;

function snippetId(kind: string): string {
  return `snippet-${kind}`;
}

function Snippet(props: { kind: string; label: string; code: string }) {
  return (
    <div class="snippet">
      <div class="muted">{props.label}</div>
      <pre>
        <code id={snippetId(props.kind)}>{props.code}</code>
      </pre>
      <button type="button" class="copy" data-copy={snippetId(props.kind)}>
        Copy
      </button>
    </div>
  );
}

function Breadcrumb(props: { address: ArtifactAddress; selector: string; prefix: string }) {
  const parts = props.prefix.split("/").filter((p) => p !== "");
  return (
    <p class="crumbs">
      <a href={urls.files(props.address, props.selector, "")}>(root)</a>
      {parts.map((part, i) => (
        <>
          {" / "}
          <a href={urls.files(props.address, props.selector, `${parts.slice(0, i + 1).join("/")}/`)}>
            {part}
          </a>
        </>
      ))}
    </p>
  );
}

function FilesSection(props: { address: ArtifactAddress; selector: string; listing: FolderListing }) {
  const { address, selector, listing } = props;
  return (
    <section id="files">
      <h2>Files</h2>
      <Breadcrumb address={address} selector={selector} prefix={listing.prefix} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th class="num">Size</th>
              <th class="hide-narrow">Content</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {listing.folders.map((folder) => (
              <tr class="folder">
                <td class="path">
                  📁{" "}
                  <a href={urls.files(address, selector, `${listing.prefix}${folder.name}/`)}>
                    {folder.name}/
                  </a>
                </td>
                <td class="num">
                  {folder.size === null ? "" : `${folder.partial ? "≥ " : ""}${formatBytes(folder.size)}`}
                </td>
                <td class="hide-narrow muted">
                  {folder.partial ? "≥ " : ""}
                  {formatCount(folder.files)} files
                </td>
                <td />
              </tr>
            ))}
            {listing.files.map((file) => (
              <tr class="file">
                <td class="path">{file.path.slice(listing.prefix.length)}</td>
                <td class="num">{formatBytes(file.size)}</td>
                <td class="hide-narrow mono">
                  {"sha256" in file ? <span title={file.sha256}>{file.sha256.slice(0, 12)}</span> : file.ref}
                </td>
                <td>
                  {"sha256" in file ? (
                    <>
                      <a href={urls.preview(address, selector, file.path)}>preview</a>
                      {" · "}
                      <a href={urls.download(address, selector, file.path)}>download</a>
                    </>
                  ) : (
                    <span class="muted">reference</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        {listing.cursor ? <a href={urls.files(address, selector, listing.prefix)}>← first page</a> : null}
        {listing.nextCursor ? (
          <a href={urls.files(address, selector, listing.prefix, listing.nextCursor)}>next page →</a>
        ) : null}
      </div>
    </section>
  );
}

export interface VersionPageProps {
  session: WebSession;
  address: ArtifactAddress;
  version: VersionView;
  listing: FolderListing;
  history: Map<string, AliasHistoryEntry[]>;
  writer: boolean;
  notice?: string;
}

export function VersionPage(props: VersionPageProps) {
  const { session, address: a, version: v, writer } = props;
  const selector = `v${v.version}`;
  const here = urls.version(a, selector);
  const sdk = `import { init } from "cairn";\n\nconst run = await init({ project: "${a.project}" });\nconst artifact = await run.useArtifact("${v.ref}");\nconst dir = await artifact.download();`;
  const cli = `cairn get ${v.ref}`;
  return (
    <Layout
      title={`${a.artifact}:${selector}`}
      session={session}
      crumbs={artifactCrumbs(a, { label: selector })}
    >
      <h1>
        {a.artifact}:{selector} <Pills items={v.aliases} />
      </h1>
      <div class="toolbar">
        <a href={urls.lineage(a, selector)}>Lineage</a>
        {v.version > 0 ? (
          <a href={urls.diff(a, `v${v.version - 1}`, selector)}>Diff with v{v.version - 1}</a>
        ) : null}
        {writer ? <a href={urls.delete(a, selector)}>Delete…</a> : null}
      </div>
      <div class="card">
        <dl class="facts">
          <dt>ref</dt>
          <dd class="mono">{v.ref}</dd>
          <dt>type</dt>
          <dd>{v.type}</dd>
          <dt>digest</dt>
          <dd class="mono">{v.digest}</dd>
          <dt>size</dt>
          <dd>{formatBytes(v.size)}</dd>
          <dt>files</dt>
          <dd>{formatCount(v.files)}</dd>
          <dt>created</dt>
          <dd>
            <Time value={v.createdAt} />
          </dd>
          <dt>run</dt>
          <dd>{v.runId ? <a href={urls.run(a.team, a.project, v.runId)}>{v.runId}</a> : "–"}</dd>
          <dt>tags</dt>
          <dd>{v.tags.length > 0 ? <Pills items={v.tags} kind="tag" /> : "–"}</dd>
        </dl>
      </div>
      <h2>Description</h2>
      {/* renderMarkdown escapes every character of the text and keeps only http(s)/relative links. */}
      <div class="card markdown">
        {v.description ? raw(renderMarkdown(v.description)) : <span class="muted">none</span>}
      </div>
      {writer ? (
        <details>
          <summary>Edit description and tags</summary>
          <form class="stack card" method="post" action={urls.edit(a, selector)}>
            <CsrfField session={session} />
            <label for="description">Description (Markdown)</label>
            <textarea id="description" name="description">
              {v.description}
            </textarea>
            <label for="tags">Tags (comma separated)</label>
            <input id="tags" type="text" name="tags" value={v.tags.join(", ")} />
            <div>
              <button type="submit">Save</button>
            </div>
          </form>
        </details>
      ) : null}
      <h2>Metadata</h2>
      <div class="card">
        <JsonTree value={v.metadata} />
      </div>
      <h2>Aliases</h2>
      {v.aliases.length === 0 ? <p class="muted">No alias points here.</p> : null}
      <ul>
        {v.aliases.map((alias) => (
          <li>
            <span class="pill">{alias}</span>{" "}
            {writer && alias !== "latest" ? (
              <AliasRemoveForm session={session} address={a} alias={alias} back={here} />
            ) : null}
            <details>
              <summary class="muted">history</summary>
              <ul>
                {(props.history.get(alias) ?? []).map((h) => (
                  <li>
                    {h.version === null
                      ? "removed"
                      : typeof h.version === "number"
                        ? `v${h.version}`
                        : h.version}{" "}
                    since <Time value={h.at} />
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      </ul>
      {writer ? (
        <div class="toolbar">
          {/* current={null}: the alias must not exist yet; one created meanwhile is a conflict, not a move. */}
          <AliasMoveForm session={session} address={a} current={null} target={v.version} back={here} />
          <span class="muted">
            adds a new alias here; to move an existing one, use the{" "}
            <a href={`${urls.artifact(a)}#aliases`}>artifact's alias list</a>
          </span>
        </div>
      ) : null}
      <h2>Use it</h2>
      <Snippet kind="sdk" label="TypeScript SDK" code={sdk} />
      <Snippet kind="cli" label="CLI" code={cli} />
      <FilesSection address={a} selector={selector} listing={props.listing} />
    </Layout>
  );
}
