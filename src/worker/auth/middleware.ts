/** @module Authentication (Bearer key or the admin token), team scoping and role checks. */
import type { Context, MiddlewareHandler } from "hono";
import type { ApiRole } from "../../shared/api.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { findActiveKey, findTeamByName, seedLocal } from "../domain/teams.ts";
import { ApiError } from "../errors.ts";
import { timingSafeEqual } from "./keys.ts";

const ROLE_RANK: Record<ApiRole | "superadmin", number> = { reader: 1, writer: 2, admin: 3, superadmin: 4 };
let localSeeded = false;

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) {
    throw new ApiError(
      "unauthorized",
      "missing API key: send 'Authorization: Bearer <key>' (see `cairn login`)",
    );
  }
  const secret = match[1];
  const db = createDb(c.env.DB);
  if (c.env.CAIRN_LOCAL_API_KEY && !localSeeded) {
    await seedLocal(db, c.env.CAIRN_LOCAL_API_KEY);
    localSeeded = true;
  }
  if (c.env.CAIRN_ADMIN_TOKEN && timingSafeEqual(secret, c.env.CAIRN_ADMIN_TOKEN)) {
    c.set("principal", { teamId: null, teamName: null, role: "superadmin", keyId: null });
    return next();
  }
  const key = await findActiveKey(db, secret);
  if (!key) throw new ApiError("unauthorized", "the API key is unknown or revoked");
  c.set("principal", { teamId: key.teamId, teamName: key.teamName, role: key.role, keyId: key.keyId });
  return next();
};

/** Resolves `:team` and checks the key belongs to it. Another team's data is a 404, never a 403. */
export const scopeTeam: MiddlewareHandler<AppEnv> = async (c, next) => {
  const teamName = c.req.param("team") ?? "";
  const principal = c.get("principal");
  const notFound = new ApiError("not_found", `team '${teamName}' not found`);
  if (principal.role !== "superadmin" && principal.teamName !== teamName) throw notFound;
  const team = await findTeamByName(createDb(c.env.DB), teamName);
  if (!team) throw notFound;
  c.set("team", { teamId: team.id, teamName: team.name });
  return next();
};

export function requireRole(c: Context<AppEnv>, role: ApiRole | "superadmin"): void {
  const have = c.get("principal").role;
  if (ROLE_RANK[have] < ROLE_RANK[role]) {
    throw new ApiError("forbidden", `this needs a key with the '${role}' role; this key is '${have}'`);
  }
}
