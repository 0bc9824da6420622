/**
 * @module Artifacts and their versions: list, get, commit, update, delete. Mounted under
 * /teams/:team/projects/:project/artifacts (files, aliases and drafts have their own routers there).
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { commitVersionBody, pageQuery, updateVersionBody } from "../../shared/api.ts";
import { nameSchema } from "../../shared/names.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { getArtifact, listArtifacts } from "../domain/artifacts.ts";
import { requireProject } from "../domain/teams.ts";
import {
  artifactScope,
  commitVersion,
  deleteVersion,
  listVersions,
  resolveInScope,
  updateVersion,
  versionView,
} from "../domain/versions.ts";
import { LARGE_BODY_LIMIT, readJson, readQuery, validate } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const artifactRoutes = new Hono<AppEnv>();

const BASE = "/teams/{team}/projects/{project}/artifacts";
const listQuery = z.object({ type: nameSchema.optional() });
const deleteQuery = z.object({ deleteAliases: z.enum(["true", "false"]).default("false") });

/** The artifact a request names (project resolved; 404 when unknown). */
export function scopeOf(c: Context<AppEnv>) {
  return artifactScope(c.env, c.get("team").teamId, c.req.param("project") ?? "", c.req.param("name") ?? "");
}

documentRoute({ method: "get", path: BASE, summary: "List the project's artifacts", query: listQuery });
artifactRoutes.get("/", async (c) => {
  const query = readQuery(c, listQuery);
  const project = await requireProject(
    createDb(c.env.DB),
    c.get("team").teamId,
    c.req.param("project") ?? "",
  );
  return c.json({ artifacts: await listArtifacts(c.env.DB, project.id, { type: query.type }) });
});

documentRoute({ method: "get", path: `${BASE}/{name}`, summary: "Get an artifact" });
artifactRoutes.get("/:name", async (c) => {
  const scope = await scopeOf(c);
  return c.json({ artifact: await getArtifact(c.env.DB, scope.projectId, scope.name) });
});

documentRoute({
  method: "post",
  path: `${BASE}/{name}/versions`,
  summary: "Commit a version (uploaded pages or inline entries); 200 with created=false when unchanged",
  body: commitVersionBody,
  role: "writer",
});
artifactRoutes.post("/:name/versions", async (c) => {
  requireRole(c, "writer");
  // The first commit creates the artifact, so a bad name is a 400 here rather than a 404.
  validate(nameSchema, c.req.param("name"), "artifact name");
  const scope = await scopeOf(c);
  const body = await readJson(c, commitVersionBody, LARGE_BODY_LIMIT);
  const { record, created } = await commitVersion(c.env, scope, body);
  return c.json({ version: versionView(record, c.get("team").teamName), created }, created ? 201 : 200);
});

documentRoute({
  method: "get",
  path: `${BASE}/{name}/versions`,
  summary: "List versions, newest first",
  query: pageQuery,
});
artifactRoutes.get("/:name/versions", async (c) => {
  const query = readQuery(c, pageQuery);
  const scope = await scopeOf(c);
  const { versions, nextCursor } = await listVersions(c.env, scope, query.cursor, query.limit);
  const teamName = c.get("team").teamName;
  return c.json({ versions: versions.map((record) => versionView(record, teamName)), nextCursor });
});

documentRoute({
  method: "get",
  path: `${BASE}/{name}/versions/{selector}`,
  summary: "Get a version by vN, alias or alias@ISO-instant",
});
artifactRoutes.get("/:name/versions/:selector", async (c) => {
  const scope = await scopeOf(c);
  const record = await resolveInScope(c.env, scope, c.req.param("selector"));
  return c.json({ version: versionView(record, c.get("team").teamName) });
});

documentRoute({
  method: "patch",
  path: `${BASE}/{name}/versions/{selector}`,
  summary: "Update a version's metadata, description or tags (never its manifest)",
  body: updateVersionBody,
  role: "writer",
});
artifactRoutes.patch("/:name/versions/:selector", async (c) => {
  requireRole(c, "writer");
  const scope = await scopeOf(c);
  const body = await readJson(c, updateVersionBody);
  const record = await updateVersion(c.env, scope, c.req.param("selector"), body);
  return c.json({ version: versionView(record, c.get("team").teamName) });
});

documentRoute({
  method: "delete",
  path: `${BASE}/{name}/versions/{selector}`,
  summary:
    "Delete a version (refused while aliases other than latest point at it, unless deleteAliases=true)",
  query: deleteQuery,
  role: "writer",
});
artifactRoutes.delete("/:name/versions/:selector", async (c) => {
  requireRole(c, "writer");
  const query = readQuery(c, deleteQuery);
  const scope = await scopeOf(c);
  const record = await deleteVersion(c.env, scope, c.req.param("selector"), query.deleteAliases === "true");
  return c.json({ deleted: { artifact: record.artifactName, version: record.number } });
});
