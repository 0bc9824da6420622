/**
 * @module Connection settings: explicit options, then the environment (`CAIRN_HOST`, `CAIRN_API_KEY`,
 * `CAIRN_TEAM`, `CAIRN_PROJECT`, `CAIRN_PROFILE`), then the profile in `config.json`.
 */
import path from "node:path";
import { isRecord, readJsonIfPresent, writeJsonAtomic } from "./fs-util.ts";
import { configDir } from "./paths.ts";

/**
 * One named set of connection settings in `config.json`.
 *
 * @example
 * ```ts
 * const profile: Profile = { host: "http://127.0.0.1:8787", key: "cairn_...", team: "local", project: "default" };
 * ```
 */
export interface Profile {
  host: string;
  key: string;
  team: string;
  project: string;
}

/**
 * The whole `config.json`: `{current, profiles: {name: Profile}}`.
 *
 * @example
 * ```ts
 * const config: ConfigFile = await readConfig();
 * console.log(config.current, config.profiles[config.current]?.host);
 * ```
 */
export interface ConfigFile {
  current: string;
  profiles: Record<string, Partial<Profile>>;
}

/**
 * Settings that override the environment and the profile; any may be left out.
 *
 * @example
 * ```ts
 * const settings: Settings = { host: "http://127.0.0.1:8787", project: "vision" };
 * ```
 */
export interface Settings {
  host?: string;
  key?: string;
  team?: string;
  project?: string;
  /** Profile name; defaults to `CAIRN_PROFILE`, then the file's `current`. */
  profile?: string;
  /** Environment to read (tests pass their own); defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Settings after resolution. `team` may still be empty: the client asks `GET /whoami` then. */
export interface ResolvedSettings {
  host: string;
  key: string;
  team: string;
  project: string;
  profile: string;
}

export const DEFAULT_HOST = "http://127.0.0.1:8787";
export const DEFAULT_PROJECT = "default";

/**
 * The path of `config.json`.
 *
 * @example
 * ```ts
 * import { configPath } from "cairn";
 * console.log(configPath()); // "/home/me/.config/cairn/config.json"
 * ```
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), "config.json");
}

/**
 * Reads `config.json`; an absent or unreadable file reads as no profiles.
 *
 * @example
 * ```ts
 * import { readConfig } from "cairn";
 * const config = await readConfig();
 * console.log(Object.keys(config.profiles));
 * ```
 */
export async function readConfig(env: NodeJS.ProcessEnv = process.env): Promise<ConfigFile> {
  const raw = await readJsonIfPresent(configPath(env));
  if (!isRecord(raw)) return { current: "", profiles: {} };
  const profiles: Record<string, Partial<Profile>> = {};
  if (isRecord(raw.profiles)) {
    for (const [name, value] of Object.entries(raw.profiles)) {
      if (!isRecord(value)) continue;
      const profile: Partial<Profile> = {};
      for (const field of ["host", "key", "team", "project"] as const) {
        const v = value[field];
        if (typeof v === "string") profile[field] = v;
      }
      profiles[name] = profile;
    }
  }
  return { current: typeof raw.current === "string" ? raw.current : "", profiles };
}

/**
 * Stores a profile (and makes it current unless `makeCurrent` is false). The file is written with mode
 * 0600 because it holds an API key.
 *
 * @example
 * ```ts
 * import { saveProfile } from "cairn";
 * await saveProfile("local", { host: "http://127.0.0.1:8787", key: "cairn_...", team: "local", project: "default" });
 * ```
 */
export async function saveProfile(
  name: string,
  profile: Profile,
  options: { makeCurrent?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const config = await readConfig(env);
  config.profiles[name] = profile;
  if (options.makeCurrent !== false || !config.current) config.current = name;
  const file = configPath(env);
  await writeJsonAtomic(file, config, 0o600);
  return file;
}

/**
 * Resolves the settings to use: options, then environment, then the profile.
 *
 * @example
 * ```ts
 * import { resolveSettings } from "cairn";
 * const { host, team, project } = await resolveSettings({ project: "vision" });
 * ```
 */
export async function resolveSettings(settings: Settings = {}): Promise<ResolvedSettings> {
  const env = settings.env ?? process.env;
  const config = await readConfig(env);
  const profileName = settings.profile || env.CAIRN_PROFILE || config.current || "default";
  const profile = config.profiles[profileName] ?? {};
  const pick = (option: string | undefined, envName: string, fromProfile: string | undefined) =>
    option || env[envName] || fromProfile || "";
  return {
    host: pick(settings.host, "CAIRN_HOST", profile.host) || DEFAULT_HOST,
    key: pick(settings.key, "CAIRN_API_KEY", profile.key),
    team: pick(settings.team, "CAIRN_TEAM", profile.team),
    project: pick(settings.project, "CAIRN_PROJECT", profile.project) || DEFAULT_PROJECT,
    profile: profileName,
  };
}
