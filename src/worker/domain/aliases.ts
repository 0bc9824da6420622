/**
 * @module Aliases of an artifact: list, set with compare-and-swap, delete and history. All go to the
 * artifact's Durable Object, the source of truth; `latest` is managed by commits and deletions only.
 */
import { MANAGED_ALIASES } from "../../shared/names.ts";
import { versionNumber } from "../../shared/ref.ts";
import type { AliasHistoryEntry } from "../../shared/views.ts";
import type { AliasRow } from "../do/artifact-types.ts";
import { ApiError } from "../errors.ts";
import { findArtifact } from "./commit-checks.ts";
import { type ArtifactScope, clientOf } from "./versions.ts";

function refuseManaged(alias: string): void {
  if (MANAGED_ALIASES.has(alias)) {
    throw new ApiError(
      "validation_failed",
      `'${alias}' is managed by Cairn (it names the highest version); choose another alias`,
    );
  }
}

/** An artifact the object does not know yet is a 404, without creating an object for it. */
async function requireKnown(env: Env, scope: ArtifactScope): Promise<void> {
  if (await findArtifact(env.DB, scope.projectId, scope.name)) return;
  const state = await clientOf(env, scope).state();
  if (!state) throw new ApiError("not_found", `artifact '${scope.name}' not found`);
}

export async function listAliases(env: Env, scope: ArtifactScope): Promise<AliasRow[]> {
  await requireKnown(env, scope);
  return clientOf(env, scope).listAliases();
}

/** Points `alias` at `version` (`vN`). `ifVersion` (`vN` or null = must not exist) makes it a CAS. */
export async function setAlias(
  env: Env,
  scope: ArtifactScope,
  alias: string,
  version: string,
  ifVersion: string | null | undefined,
): Promise<{ alias: string; version: number; previous: number | null }> {
  refuseManaged(alias);
  await requireKnown(env, scope);
  const number = versionNumber(version) ?? -1;
  const expected = ifVersion === undefined ? undefined : ifVersion === null ? null : versionNumber(ifVersion);
  return clientOf(env, scope).setAlias(alias, number, expected);
}

export async function deleteAlias(env: Env, scope: ArtifactScope, alias: string) {
  refuseManaged(alias);
  await requireKnown(env, scope);
  return clientOf(env, scope).deleteAlias(alias);
}

export async function aliasHistory(
  env: Env,
  scope: ArtifactScope,
  alias: string,
): Promise<AliasHistoryEntry[]> {
  await requireKnown(env, scope);
  const rows = await clientOf(env, scope).aliasHistory(alias);
  if (rows.length === 0) throw new ApiError("not_found", `alias '${alias}' not found`);
  return rows.map((row) => ({ version: row.version, at: new Date(row.at).toISOString() }));
}
