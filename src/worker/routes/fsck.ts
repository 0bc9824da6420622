/**
 * @module The consistency checker's routes: one team (its admin key or the deployment admin token) and
 * the whole deployment (admin token only). Both page through artifacts with a cursor.
 */
import { Hono } from "hono";
import { fsckBody } from "../../shared/fsck.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { fsckAll, fsckTeam } from "../domain/fsck.ts";
import { readJson } from "../http.ts";
import { documentRoute } from "../openapi.ts";

/** Mounted under /teams/:team/admin. */
export const teamFsckRoutes = new Hono<AppEnv>();
/** Mounted under /admin. */
export const deploymentFsckRoutes = new Hono<AppEnv>();

documentRoute({
  method: "post",
  path: "/teams/{team}/admin/fsck",
  summary: "Check the team's invariants (numbers, aliases, mirror, pages, blobs); repair the mirror",
  body: fsckBody,
  role: "admin",
});
teamFsckRoutes.post("/fsck", async (c) => {
  requireRole(c, "admin");
  const body = await readJson(c, fsckBody);
  const { cursor, ...rest } = body;
  return c.json(await fsckTeam(c.env, c.get("team"), { ...rest, ...(cursor ? { cursor } : {}) }));
});

documentRoute({
  method: "post",
  path: "/admin/fsck",
  summary: "Check every team's invariants, a page of artifacts at a time",
  body: fsckBody,
  role: "superadmin",
});
deploymentFsckRoutes.post("/fsck", async (c) => {
  requireRole(c, "superadmin");
  const body = await readJson(c, fsckBody);
  const { cursor, ...rest } = body;
  return c.json(await fsckAll(c.env, { ...rest, ...(cursor ? { cursor } : {}) }));
});
