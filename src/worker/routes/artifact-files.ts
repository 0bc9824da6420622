/**
 * @module A version's files: listing by prefix, its leaf pages, presigned download URLs, and the diff of
 * two versions. Mounted under /teams/:team/projects/:project/artifacts.
 */
import { Hono } from "hono";
import { z } from "zod";
import { downloadUrlsBody, filesQuery, pageQuery } from "../../shared/api.ts";
import { isReference } from "../../shared/manifest.ts";
import type { AppEnv } from "../context.ts";
import { verifiedBlobKeys } from "../domain/blobs.ts";
import { diffVersions } from "../domain/diff.ts";
import { decodeCursor, findEntries, listFiles } from "../domain/files.ts";
import { loadLeaves } from "../domain/manifests.ts";
import { resolveInScope } from "../domain/versions.ts";
import { readJson, readQuery } from "../http.ts";
import { documentRoute } from "../openapi.ts";
import { presignBlobGet } from "../storage/blob-read.ts";
import { scopeOf } from "./artifacts.ts";

export const artifactFileRoutes = new Hono<AppEnv>();

const BASE = "/teams/{team}/projects/{project}/artifacts/{name}";
const diffQuery = pageQuery.extend({ from: z.string().min(1).max(300), to: z.string().min(1).max(300) });

documentRoute({
  method: "get",
  path: `${BASE}/versions/{selector}/files`,
  summary: "List a version's files by path prefix (reads only the pages that cover it)",
  query: filesQuery,
});
artifactFileRoutes.get("/:name/versions/:selector/files", async (c) => {
  const query = readQuery(c, filesQuery);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const record = await resolveInScope(c.env, await scopeOf(c), c.req.param("selector"));
  const leaves = await loadLeaves(c.env.DB, record.teamId, record.root);
  const page = await listFiles(c.env.DB, record.teamId, leaves, {
    prefix: query.prefix,
    after,
    limit: query.limit,
  });
  return c.json(page);
});

documentRoute({
  method: "get",
  path: `${BASE}/versions/{selector}/pages`,
  summary: "A version's leaf pages with their path ranges",
});
artifactFileRoutes.get("/:name/versions/:selector/pages", async (c) => {
  const record = await resolveInScope(c.env, await scopeOf(c), c.req.param("selector"));
  return c.json({ pages: await loadLeaves(c.env.DB, record.teamId, record.root) });
});

documentRoute({
  method: "post",
  path: `${BASE}/versions/{selector}/download-urls`,
  summary:
    "Presigned GET URLs for files of a version, each with the headers to send (a signed if-match); references come back as they are",
  body: downloadUrlsBody,
});
artifactFileRoutes.post("/:name/versions/:selector/download-urls", async (c) => {
  const body = await readJson(c, downloadUrlsBody);
  const record = await resolveInScope(c.env, await scopeOf(c), c.req.param("selector"));
  const leaves = await loadLeaves(c.env.DB, record.teamId, record.root);
  const entries = await findEntries(c.env.DB, record.teamId, leaves, body.paths);
  const shas = [...entries.values()].flatMap((entry) => (isReference(entry) ? [] : [entry.sha256]));
  const keys = await verifiedBlobKeys(c.env.DB, record.teamId, shas);
  const ctx = { env: c.env, origin: new URL(c.req.url).origin };
  const files: unknown[] = [];
  const missing: string[] = [];
  for (const path of new Set(body.paths)) {
    const entry = entries.get(path);
    if (!entry) {
      missing.push(path);
      continue;
    }
    if (isReference(entry)) {
      files.push(entry);
      continue;
    }
    const blob = keys.get(entry.sha256);
    // A committed version's blobs are verified (invariant 3); a gap here is a server fault, not a 4xx.
    if (!blob) throw new Error(`verified blob ${entry.sha256} of a committed version is missing`);
    // `if-match` is signed into the URL: the client sends `headers`, and bytes written to the key after
    // verification answer 412 instead of being served.
    const { url, expiresAt, headers } = await presignBlobGet(ctx, blob);
    files.push({ path, sha256: entry.sha256, size: entry.size, url, expiresAt, headers });
  }
  return c.json({ files, missing });
});

documentRoute({
  method: "get",
  path: `${BASE}/diff`,
  summary: "Entries added, removed and changed between two versions (reads only differing pages)",
  query: diffQuery,
});
artifactFileRoutes.get("/:name/diff", async (c) => {
  const query = readQuery(c, diffQuery);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const scope = await scopeOf(c);
  const from = await resolveInScope(c.env, scope, query.from);
  const to = await resolveInScope(c.env, scope, query.to);
  const [fromLeaves, toLeaves] = await Promise.all([
    loadLeaves(c.env.DB, scope.teamId, from.root),
    loadLeaves(c.env.DB, scope.teamId, to.root),
  ]);
  return c.json(
    await diffVersions(c.env.DB, scope.teamId, fromLeaves, toLeaves, { after, limit: query.limit }),
  );
});
