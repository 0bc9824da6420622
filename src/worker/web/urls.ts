/** @module URLs of the web pages: one place that builds them, every segment encoded. */

const e = encodeURIComponent;

export interface ArtifactAddress {
  team: string;
  project: string;
  artifact: string;
}

export const urls = {
  team: (team: string) => `/t/${e(team)}`,
  project: (team: string, project: string) => `/t/${e(team)}/${e(project)}`,
  run: (team: string, project: string, runId: string) => `/t/${e(team)}/${e(project)}/-/runs/${e(runId)}`,
  artifact: (a: ArtifactAddress) => `/t/${e(a.team)}/${e(a.project)}/${e(a.artifact)}`,
  aliases: (a: ArtifactAddress) => `${urls.artifact(a)}/-/aliases`,
  diff: (a: ArtifactAddress, from?: string, to?: string) =>
    `${urls.artifact(a)}/-/diff${from && to ? `?from=${e(from)}&to=${e(to)}` : ""}`,
  version: (a: ArtifactAddress, selector: string | number) =>
    `${urls.artifact(a)}/${typeof selector === "number" ? `v${selector}` : e(selector)}`,
  files: (a: ArtifactAddress, selector: string, prefix: string, cursor?: string | null) =>
    `${urls.version(a, selector)}?prefix=${e(prefix)}${cursor ? `&cursor=${e(cursor)}` : ""}#files`,
  preview: (a: ArtifactAddress, selector: string, path: string) =>
    `${urls.version(a, selector)}/preview?path=${e(path)}`,
  /** The file's bytes streamed by the Worker, only while its object is the one verified. */
  download: (a: ArtifactAddress, selector: string, path: string) =>
    `${urls.version(a, selector)}/download?path=${e(path)}`,
  lineage: (a: ArtifactAddress, selector: string, depth?: number, direction?: string) =>
    `${urls.version(a, selector)}/lineage${depth ? `?depth=${depth}&direction=${e(direction ?? "both")}` : ""}`,
  edit: (a: ArtifactAddress, selector: string) => `${urls.version(a, selector)}/edit`,
  delete: (a: ArtifactAddress, selector: string) => `${urls.version(a, selector)}/delete`,
  api: (a: ArtifactAddress) => `/teams/${e(a.team)}/projects/${e(a.project)}/artifacts/${e(a.artifact)}`,
  apiProject: (team: string, project: string) => `/teams/${e(team)}/projects/${e(project)}`,
};

/** Parses `team/project/name:vN` into the address and selector of a version page. */
export function refAddress(ref: string): (ArtifactAddress & { selector: string }) | null {
  const match = /^([^/]+)\/([^/]+)\/([^:]+):(.+)$/.exec(ref);
  if (!match) return null;
  return {
    team: match[1] ?? "",
    project: match[2] ?? "",
    artifact: match[3] ?? "",
    selector: match[4] ?? "",
  };
}

/** A return address from a form: only our own team pages, never another site. */
export function safeBack(value: string | undefined, fallback: string): string {
  return value && /^\/t\/[^/]/.test(value) && !value.startsWith("//") && !value.includes("\\")
    ? value
    : fallback;
}
