/**
 * @module Lineage of a version and the runs that logged and used it. Mounted under
 * /teams/:team/projects/:project/artifacts, next to the artifact routes.
 */
import { Hono } from "hono";
import { lineageQuery } from "../../shared/api.ts";
import type { AppEnv } from "../context.ts";
import { lineageOf } from "../domain/lineage.ts";
import { versionRuns } from "../domain/run-edges.ts";
import { resolveVersion } from "../domain/versions.ts";
import { readQuery } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const lineageRoutes = new Hono<AppEnv>();

const VERSION = "/teams/{team}/projects/{project}/artifacts/{name}/versions/{selector}";

documentRoute({
  method: "get",
  path: `${VERSION}/lineage`,
  summary: "Lineage graph of a version (runs and versions up and/or down, bounded)",
  query: lineageQuery,
});
lineageRoutes.get("/:name/versions/:selector/lineage", async (c) => {
  const query = readQuery(c, lineageQuery);
  const team = c.get("team");
  const record = await resolveVersion(
    c.env,
    team.teamId,
    c.req.param("project") ?? "",
    c.req.param("name"),
    c.req.param("selector"),
  );
  return c.json(
    await lineageOf(c.env.DB, team, { artifactId: record.artifactId, version: record.number }, query),
  );
});

documentRoute({
  method: "get",
  path: `${VERSION}/runs`,
  summary: "The run that logged a version and the runs that used it",
});
lineageRoutes.get("/:name/versions/:selector/runs", async (c) => {
  const team = c.get("team");
  const record = await resolveVersion(
    c.env,
    team.teamId,
    c.req.param("project") ?? "",
    c.req.param("name"),
    c.req.param("selector"),
  );
  return c.json(await versionRuns(c.env, team, record));
});
