/** @module Aliases of an artifact. Mounted under /teams/:team/projects/:project/artifacts. */
import { Hono } from "hono";
import { setAliasBody } from "../../shared/api.ts";
import { aliasSchema } from "../../shared/names.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { aliasHistory, deleteAlias, listAliases, setAlias } from "../domain/aliases.ts";
import { readJson, validate } from "../http.ts";
import { documentRoute } from "../openapi.ts";
import { scopeOf } from "./artifacts.ts";

export const artifactAliasRoutes = new Hono<AppEnv>();

const BASE = "/teams/{team}/projects/{project}/artifacts/{name}/aliases";

function aliasParam(value: string | undefined): string {
  return validate(aliasSchema, value ?? "", "alias");
}

documentRoute({ method: "get", path: BASE, summary: "List the artifact's aliases" });
artifactAliasRoutes.get("/:name/aliases", async (c) => {
  return c.json({ aliases: await listAliases(c.env, await scopeOf(c)) });
});

documentRoute({
  method: "put",
  path: `${BASE}/{alias}`,
  summary: "Point an alias at a version; ifVersion makes it a compare-and-swap (409 alias_conflict)",
  body: setAliasBody,
  role: "writer",
});
artifactAliasRoutes.put("/:name/aliases/:alias", async (c) => {
  requireRole(c, "writer");
  const alias = aliasParam(c.req.param("alias"));
  const body = await readJson(c, setAliasBody);
  const scope = await scopeOf(c);
  const result = await setAlias(c.env, scope, alias, body.version, body.ifVersion);
  return c.json({ alias: result.alias, version: result.version, previous: result.previous });
});

documentRoute({ method: "delete", path: `${BASE}/{alias}`, summary: "Remove an alias", role: "writer" });
artifactAliasRoutes.delete("/:name/aliases/:alias", async (c) => {
  requireRole(c, "writer");
  const alias = aliasParam(c.req.param("alias"));
  const result = await deleteAlias(c.env, await scopeOf(c), alias);
  return c.json({ deleted: result });
});

documentRoute({
  method: "get",
  path: `${BASE}/{alias}/history`,
  summary: "Where an alias pointed over time (version null: removed)",
});
artifactAliasRoutes.get("/:name/aliases/:alias/history", async (c) => {
  const alias = aliasParam(c.req.param("alias"));
  return c.json({ history: await aliasHistory(c.env, await scopeOf(c), alias) });
});
