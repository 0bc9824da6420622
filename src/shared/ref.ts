/** @module Artifact reference strings: `[team/][project/]name[:alias|:vN][@ISO-instant]`. */
import { NAME_PATTERN, VERSION_PATTERN } from "./names.ts";

export interface ArtifactRef {
  team: string;
  project: string;
  name: string;
  /** `vN` or an alias; defaults to `latest`. */
  selector: string;
  /** For `alias@instant`: resolve the alias as it was at this moment. */
  at?: string;
}

export interface RefDefaults {
  team: string;
  project: string;
}

/** Parses a reference, filling team, project and `latest` from defaults. Throws on a malformed one. */
export function parseRef(ref: string, defaults: RefDefaults): ArtifactRef {
  const colon = ref.lastIndexOf(":");
  const head = colon >= 0 ? ref.slice(0, colon) : ref;
  let selector = colon >= 0 ? ref.slice(colon + 1) : "latest";
  let at: string | undefined;
  const atSign = selector.indexOf("@");
  if (atSign >= 0) {
    at = selector.slice(atSign + 1);
    selector = selector.slice(0, atSign);
    if (Number.isNaN(Date.parse(at))) throw new Error(`'${at}' in '${ref}' is not an ISO instant`);
  }
  const parts = head.split("/");
  if (parts.length > 3) throw new Error(`'${ref}' has too many '/' (expected [team/][project/]name)`);
  const name = parts[parts.length - 1] ?? "";
  const project = parts.length >= 2 ? (parts[parts.length - 2] ?? "") : defaults.project;
  const team = parts.length === 3 ? (parts[0] ?? "") : defaults.team;
  for (const [what, value] of [
    ["name", name],
    ["project", project],
    ["team", team],
    ["alias or version", selector],
  ] as const) {
    if (!NAME_PATTERN.test(value)) throw new Error(`'${value}' is not a valid ${what} in reference '${ref}'`);
  }
  return { team, project, name, selector, ...(at ? { at } : {}) };
}

/** `vN` → N, or null when the selector is an alias. */
export function versionNumber(selector: string): number | null {
  return VERSION_PATTERN.test(selector) ? Number(selector.slice(1)) : null;
}

export function formatRef(ref: { team: string; project: string; name: string; version: number }): string {
  return `${ref.team}/${ref.project}/${ref.name}:v${ref.version}`;
}
