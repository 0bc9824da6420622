/** @module Artifact pages: versions (paged) with aliases and their management, and the diff of two versions. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { aliasSchema, MANAGED_ALIASES, VERSION_PATTERN } from "../../../shared/names.ts";
import type { VersionView } from "../../../shared/views.ts";
import type { AppEnv } from "../../context.ts";
import { apiCall, WebApiError } from "../api-client.ts";
import { CsrfField, formatBytes, formatCount, Notice, Pills, Time } from "../components.tsx";
import { render, sessionOf } from "../context.ts";
import { readSessionForm } from "../form.ts";
import { Layout } from "../layout.tsx";
import type { WebSession } from "../session.ts";
import type { DiffView, FileView } from "../types.ts";
import { type ArtifactAddress, safeBack, urls } from "../urls.ts";

export const artifactPages = new Hono<AppEnv>();

interface ArtifactInfo {
  name: string;
  type: string;
  description: string;
  aliases: { alias: string; version: number }[];
  versionCount: number;
}

function addressOf(c: Context<AppEnv>): ArtifactAddress {
  return {
    team: c.req.param("team") ?? "",
    project: c.req.param("project") ?? "",
    artifact: c.req.param("artifact") ?? "",
  };
}

export function canWrite(session: WebSession): boolean {
  return session.role === "writer" || session.role === "admin";
}

export function artifactCrumbs(a: ArtifactAddress, last?: { label: string }) {
  return [
    { label: a.team, href: urls.team(a.team) },
    { label: a.project, href: urls.project(a.team, a.project) },
    last ? { label: a.artifact, href: urls.artifact(a) } : { label: a.artifact },
    ...(last ? [last] : []),
  ];
}

/** Alias forms: move (or add) with compare-and-swap on what the page showed, or remove. */
export function AliasMoveForm(props: {
  session: WebSession;
  address: ArtifactAddress;
  alias?: string;
  current?: number | null;
  target?: number;
  versions?: number[];
  back: string;
}) {
  const { alias, current } = props;
  return (
    <form class="inline" method="post" action={urls.aliases(props.address)}>
      <CsrfField session={props.session} />
      <input type="hidden" name="back" value={props.back} />
      <input type="hidden" name="action" value="set" />
      {/* What the alias pointed at when this page was drawn: a move from a stale page is refused (409). */}
      <input
        type="hidden"
        name="ifVersion"
        value={current === undefined ? "" : current === null ? "none" : `v${current}`}
      />
      {alias ? (
        <input type="hidden" name="alias" value={alias} />
      ) : (
        <input
          type="text"
          name="alias"
          placeholder="alias, e.g. best"
          required
          aria-label="alias"
          size={14}
        />
      )}
      {props.target !== undefined ? (
        <input type="hidden" name="version" value={`v${props.target}`} />
      ) : (
        <select name="version" aria-label="version">
          {(props.versions ?? []).map((v) => (
            <option value={`v${v}`} selected={v === current}>
              v{v}
            </option>
          ))}
        </select>
      )}
      <button type="submit" class="secondary">
        {alias ? "Move" : "Add alias"}
      </button>
    </form>
  );
}

export function AliasRemoveForm(props: {
  session: WebSession;
  address: ArtifactAddress;
  alias: string;
  back: string;
}) {
  return (
    <form
      class="inline"
      method="post"
      action={urls.aliases(props.address)}
      data-confirm={`Remove the alias '${props.alias}'?`}
    >
      <CsrfField session={props.session} />
      <input type="hidden" name="back" value={props.back} />
      <input type="hidden" name="action" value="remove" />
      <input type="hidden" name="alias" value={props.alias} />
      <button type="submit" class="secondary">
        Remove
      </button>
    </form>
  );
}

artifactPages.get("/t/:team/:project/:artifact", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const cursor = c.req.query("cursor");
  const [{ artifact }, page] = await Promise.all([
    apiCall<{ artifact: ArtifactInfo }>(c, session.apiKey, "GET", urls.api(a)),
    apiCall<{ versions: VersionView[]; nextCursor: string | null }>(
      c,
      session.apiKey,
      "GET",
      `${urls.api(a)}/versions`,
      {
        query: { cursor, limit: 50 },
      },
    ),
  ]);
  const writer = canWrite(session);
  const here = urls.artifact(a);
  const versionNumbers = page.versions.map((v) => v.version);
  const newest = page.versions[0];
  const older = page.versions[1];
  return render(
    c,
    <Layout title={a.artifact} session={session} crumbs={artifactCrumbs(a)}>
      <h1>
        {artifact.name} <span class="pill tag">{artifact.type}</span>
      </h1>
      {artifact.description ? <p>{artifact.description}</p> : null}
      <h2>Versions ({artifact.versionCount})</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Version</th>
              <th>Aliases</th>
              <th class="hide-narrow">Tags</th>
              <th class="num">Size</th>
              <th class="num">Files</th>
              <th>Created</th>
              <th class="hide-narrow">Run</th>
            </tr>
          </thead>
          <tbody>
            {page.versions.map((v) => (
              <tr>
                <td>
                  <a href={urls.version(a, v.version)}>v{v.version}</a>
                </td>
                <td>
                  <Pills items={v.aliases} />
                </td>
                <td class="hide-narrow">
                  <Pills items={v.tags} kind="tag" />
                </td>
                <td class="num">{formatBytes(v.size)}</td>
                <td class="num">{formatCount(v.files)}</td>
                <td>
                  <Time value={v.createdAt} />
                </td>
                <td class="hide-narrow">
                  {v.runId ? <a href={urls.run(a.team, a.project, v.runId)}>{v.runId.slice(0, 8)}</a> : "–"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        {cursor ? <a href={here}>← newest</a> : null}
        {page.nextCursor ? (
          <a href={`${here}?cursor=${encodeURIComponent(page.nextCursor)}`}>older →</a>
        ) : null}
      </div>
      {newest && older ? (
        <p>
          <a href={urls.diff(a, `v${older.version}`, `v${newest.version}`)}>
            Compare v{older.version} → v{newest.version}
          </a>
        </p>
      ) : null}
      <h2 id="aliases">Aliases</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Alias</th>
              <th>Version</th>
              {writer ? <th>Change</th> : null}
            </tr>
          </thead>
          <tbody>
            {artifact.aliases.map((alias) => (
              <tr data-alias={alias.alias}>
                <td>
                  <span class="pill">{alias.alias}</span>
                </td>
                <td>
                  <a href={urls.version(a, alias.version)}>v{alias.version}</a>
                </td>
                {writer ? (
                  <td>
                    {alias.alias === "latest" ? (
                      <span class="muted">managed: always the newest version</span>
                    ) : (
                      <div class="actions">
                        <AliasMoveForm
                          session={session}
                          address={a}
                          alias={alias.alias}
                          current={alias.version}
                          versions={versionNumbers}
                          back={here}
                        />{" "}
                        <AliasRemoveForm session={session} address={a} alias={alias.alias} back={here} />
                      </div>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {writer && versionNumbers.length > 0 ? (
        <div class="toolbar">
          <AliasMoveForm session={session} address={a} current={null} versions={versionNumbers} back={here} />
        </div>
      ) : null}
    </Layout>,
  );
});

const aliasForm = z.object({
  action: z.enum(["set", "remove"]),
  alias: aliasSchema,
  version: z.string().regex(VERSION_PATTERN).optional(),
  ifVersion: z.union([z.literal(""), z.literal("none"), z.string().regex(VERSION_PATTERN)]).default(""),
  back: z.string().max(2048).optional(),
});

/** The version an alias conflict says the alias points at now (`details.current`), null when it is gone. */
function conflictCurrent(err: WebApiError): number | null {
  const current = (err.details as { current?: unknown } | undefined)?.current;
  return typeof current === "string" && /^v\d+$/.test(current) ? Number(current.slice(1)) : null;
}

/**
 * A refused compare-and-swap: the alias is not where the page said (moved, removed, or, for "Add alias",
 * created meanwhile by someone else). Nothing changed; offer to move it from where it is now.
 */
function AliasConflictPage(props: {
  session: WebSession;
  address: ArtifactAddress;
  form: z.output<typeof aliasForm>;
  back: string;
  error: WebApiError;
}) {
  const { session, address: a, form, back, error } = props;
  const adding = form.ifVersion === "none";
  const current = conflictCurrent(error);
  const target = form.version ? Number(form.version.slice(1)) : undefined;
  const canMove = current !== null && target !== undefined && !MANAGED_ALIASES.has(form.alias);
  return (
    <Layout title="Alias conflict" session={session} crumbs={artifactCrumbs(a, { label: "aliases" })}>
      <h1>{adding ? "Alias not added" : "Alias not moved"}</h1>
      <Notice kind="error">
        <strong>Conflict:</strong>{" "}
        {adding ? (
          <>
            the alias <strong>{form.alias}</strong> already exists: someone created it since this page was
            loaded.
          </>
        ) : (
          <>
            the alias <strong>{form.alias}</strong> changed since this page was loaded (you saw it at{" "}
            {form.ifVersion || "no version"}).
          </>
        )}{" "}
        Nothing was changed. {error.message}
      </Notice>
      {canMove ? (
        <div class="toolbar">
          <AliasMoveForm
            session={session}
            address={a}
            alias={form.alias}
            current={current}
            target={target}
            back={back}
          />
          <span class="muted">
            moves <strong>{form.alias}</strong> from v{current} to v{target}
          </span>
        </div>
      ) : null}
      <p>
        <a href={back}>Reload the page</a> to see where it points now, or{" "}
        <a href={`${urls.artifact(a)}#aliases`}>move it from the artifact's alias list</a>.
      </p>
    </Layout>
  );
}

artifactPages.post("/t/:team/:project/:artifact/-/aliases", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const form = await readSessionForm(c, session, aliasForm);
  const back = safeBack(form.back, urls.artifact(a));
  const path = `${urls.api(a)}/aliases/${encodeURIComponent(form.alias)}`;
  try {
    if (form.action === "remove") {
      await apiCall(c, session.apiKey, "DELETE", path);
    } else {
      const ifVersion = form.ifVersion === "" ? undefined : form.ifVersion === "none" ? null : form.ifVersion;
      await apiCall(c, session.apiKey, "PUT", path, { body: { version: form.version, ifVersion } });
    }
  } catch (err) {
    if (err instanceof WebApiError && err.code === "alias_conflict") {
      return render(
        c,
        <AliasConflictPage session={session} address={a} form={form} back={back} error={err} />,
        409,
      );
    }
    throw err;
  }
  return c.redirect(back, 303);
});

function FileCell(props: { file: FileView | undefined }) {
  const { file } = props;
  if (!file) return <span>–</span>;
  return "sha256" in file ? (
    <span class="mono" title={file.sha256}>
      {file.sha256.slice(0, 12)} · {formatBytes(file.size)}
    </span>
  ) : (
    <span class="mono">{file.ref}</span>
  );
}

artifactPages.get("/t/:team/:project/:artifact/-/diff", async (c) => {
  const session = sessionOf(c);
  const a = addressOf(c);
  const from = c.req.query("from") ?? "";
  const to = c.req.query("to") ?? "";
  const cursor = c.req.query("cursor");
  const diff = await apiCall<DiffView>(c, session.apiKey, "GET", `${urls.api(a)}/diff`, {
    query: { from, to, cursor, limit: 200 },
  });
  const rows = [
    ...diff.added.map((f) => ({ kind: "added", path: f.path, from: undefined, to: f })),
    ...diff.removed.map((f) => ({ kind: "removed", path: f.path, from: f, to: undefined })),
    ...diff.changed.map((ch) => ({ kind: "changed", path: ch.path, from: ch.from, to: ch.to })),
  ].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return render(
    c,
    <Layout
      title={`${a.artifact} diff`}
      session={session}
      crumbs={artifactCrumbs(a, { label: `${from} → ${to}` })}
    >
      <h1>
        {from} → {to}
      </h1>
      <form class="toolbar" method="get">
        <label>
          from <input type="text" name="from" value={from} size={6} />
        </label>
        <label>
          to <input type="text" name="to" value={to} size={6} />
        </label>
        <button type="submit" class="secondary">
          Compare
        </button>
      </form>
      <p>
        <span class="added">{diff.added.length} added</span>,{" "}
        <span class="removed">{diff.removed.length} removed</span>,{" "}
        <span class="changed">{diff.changed.length} changed</span>
        {diff.nextCursor ? " on this page" : ""}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Change</th>
              <th>Path</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td class={row.kind}>{row.kind}</td>
                <td class="path">{row.path}</td>
                <td>
                  <FileCell file={row.from} />
                </td>
                <td>
                  <FileCell file={row.to} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {diff.nextCursor ? (
        <div class="pager">
          <a href={`${urls.diff(a, from, to)}&cursor=${encodeURIComponent(diff.nextCursor)}`}>more →</a>
        </div>
      ) : null}
    </Layout>,
  );
});
