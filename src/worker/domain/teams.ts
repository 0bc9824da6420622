/** @module Teams, API keys and projects. */
import { and, eq, isNull } from "drizzle-orm";
import type { ApiRole } from "../../shared/api.ts";
import { generateKeySecret, hashKey } from "../auth/keys.ts";
import { type Db, newId } from "../db/client.ts";
import { apiKeys, projects, teams } from "../db/schema.ts";
import { ApiError, notFound } from "../errors.ts";

export interface KeyView {
  id: string;
  name: string;
  role: ApiRole;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export async function createTeam(db: Db, name: string) {
  const existing = await db.select().from(teams).where(eq(teams.name, name)).get();
  if (existing) throw new ApiError("conflict", `team '${name}' already exists`);
  const team = { id: newId(), name };
  await db.insert(teams).values(team);
  return team;
}

export async function findTeamByName(db: Db, name: string) {
  return db.select().from(teams).where(eq(teams.name, name)).get();
}

/** Creates a key; the secret is returned once and only its hash is stored. */
export async function createKey(
  db: Db,
  teamId: string,
  name: string,
  role: ApiRole,
  secret = generateKeySecret(),
) {
  const row = { id: newId(), teamId, name, role, hash: hashKey(secret), prefix: secret.slice(0, 12) };
  await db.insert(apiKeys).values(row);
  return { id: row.id, name, role, prefix: row.prefix, key: secret };
}

export async function listKeys(db: Db, teamId: string): Promise<KeyView[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      role: apiKeys.role,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.teamId, teamId))
    .all();
}

export async function revokeKey(db: Db, teamId: string, keyId: string) {
  const result = await db
    .update(apiKeys)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiKeys.teamId, teamId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (result.length === 0) throw notFound(`key '${keyId}'`);
}

/** The live key with this secret, with its team, or undefined. */
export async function findActiveKey(db: Db, secret: string) {
  return db
    .select({ keyId: apiKeys.id, role: apiKeys.role, teamId: teams.id, teamName: teams.name })
    .from(apiKeys)
    .innerJoin(teams, eq(teams.id, apiKeys.teamId))
    .where(and(eq(apiKeys.hash, hashKey(secret)), isNull(apiKeys.revokedAt)))
    .get();
}

export async function createProject(db: Db, teamId: string, name: string, description = "") {
  const existing = await findProject(db, teamId, name);
  if (existing) throw new ApiError("conflict", `project '${name}' already exists`);
  const row = { id: newId(), teamId, name, description };
  await db.insert(projects).values(row);
  return (await findProject(db, teamId, name)) ?? row;
}

export async function findProject(db: Db, teamId: string, name: string) {
  return db
    .select()
    .from(projects)
    .where(and(eq(projects.teamId, teamId), eq(projects.name, name)))
    .get();
}

export async function requireProject(db: Db, teamId: string, name: string) {
  const project = await findProject(db, teamId, name);
  if (!project) throw notFound(`project '${name}'`);
  return project;
}

export async function listProjects(db: Db, teamId: string) {
  return db.select().from(projects).where(eq(projects.teamId, teamId)).orderBy(projects.name).all();
}

/**
 * Under `wrangler dev` (CAIRN_LOCAL_API_KEY set in .dev.vars): team `local`, project `default` and an
 * admin key with that secret. Idempotent; never runs in a deployment without the variable.
 */
export async function seedLocal(db: Db, secret: string): Promise<void> {
  const team = (await findTeamByName(db, "local")) ?? (await createTeam(db, "local").catch(() => undefined));
  const teamRow = team ?? (await findTeamByName(db, "local"));
  if (!teamRow) return;
  if (!(await findProject(db, teamRow.id, "default"))) {
    await createProject(db, teamRow.id, "default").catch(() => undefined);
  }
  if (!(await findActiveKey(db, secret))) {
    await createKey(db, teamRow.id, "local admin", "admin", secret).catch(() => undefined);
  }
}
