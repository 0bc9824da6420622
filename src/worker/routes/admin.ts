/** @module Teams and API keys. Creating teams needs the deployment's CAIRN_ADMIN_TOKEN. */
import { Hono } from "hono";
import { createKeyBody, createTeamBody } from "../../shared/api.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { createKey, createTeam, listKeys, revokeKey } from "../domain/teams.ts";
import { readJson } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const adminRoutes = new Hono<AppEnv>();
/** Mounted under /teams/:team. */
export const keyRoutes = new Hono<AppEnv>();

documentRoute({ method: "get", path: "/whoami", summary: "The key's team and role" });
adminRoutes.get("/whoami", (c) => {
  const { teamName, role, keyId } = c.get("principal");
  return c.json({ team: teamName, role, keyId });
});

documentRoute({
  method: "post",
  path: "/teams",
  summary: "Create a team",
  body: createTeamBody,
  role: "superadmin",
});
adminRoutes.post("/teams", async (c) => {
  requireRole(c, "superadmin");
  const body = await readJson(c, createTeamBody);
  const team = await createTeam(createDb(c.env.DB), body.name);
  return c.json({ team }, 201);
});

documentRoute({
  method: "post",
  path: "/teams/{team}/keys",
  summary: "Create an API key (the secret is shown once)",
  body: createKeyBody,
  role: "admin",
});
keyRoutes.post("/", async (c) => {
  requireRole(c, "admin");
  const body = await readJson(c, createKeyBody);
  const key = await createKey(createDb(c.env.DB), c.get("team").teamId, body.name, body.role);
  return c.json({ key }, 201);
});

documentRoute({
  method: "get",
  path: "/teams/{team}/keys",
  summary: "List API keys (never secrets)",
  role: "admin",
});
keyRoutes.get("/", async (c) => {
  requireRole(c, "admin");
  return c.json({ keys: await listKeys(createDb(c.env.DB), c.get("team").teamId) });
});

documentRoute({
  method: "delete",
  path: "/teams/{team}/keys/{keyId}",
  summary: "Revoke an API key",
  role: "admin",
});
keyRoutes.delete("/:keyId", async (c) => {
  requireRole(c, "admin");
  await revokeKey(createDb(c.env.DB), c.get("team").teamId, c.req.param("keyId"));
  return c.json({ revoked: true });
});
