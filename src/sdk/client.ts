/**
 * @module The HTTP client under the SDK: settings, the team (from `GET /whoami` when not configured), JSON
 * requests with retries on transient failures, and API errors turned into `CairnError`s with a hint.
 */
import { type ResolvedSettings, resolveSettings, type Settings } from "./config.ts";
import { CairnError } from "./errors.ts";
import { isRecord } from "./fs-util.ts";
import { withRetries } from "./retry.ts";

type Query = Record<string, string | number | boolean | undefined>;

/** Network failures worth another attempt; anything else (refused, unknown host, bad port) fails at once. */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

class TransientHttpError extends Error {
  readonly response: Response;

  constructor(response: Response) {
    super(`HTTP ${response.status}`);
    this.response = response;
  }
}

/** The cause code of a failed `fetch` (undici nests it), or undefined. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isRecord(current); depth++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause;
  }
  return undefined;
}

/** What went wrong on the network, for a message: the innermost code or message. */
export function networkReason(error: unknown): string {
  const code = networkCode(error);
  if (code) return code;
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** True for failures worth retrying: transient network errors and retryable statuses. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransientHttpError) return true;
  const code = networkCode(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/**
 * A connection to one Cairn server with one key. Most code uses `Api`, `init` or `Run`; this is
 * exported for requests the SDK has no method for.
 *
 * @example
 * ```ts
 * import { Client } from "cairn";
 * const client = await Client.connect({ project: "vision" });
 * const { projects } = await client.request<{ projects: unknown[] }>("GET", client.teamPath("/projects"));
 * ```
 */
export class Client {
  readonly settings: ResolvedSettings;
  #team: string;
  #projects = new Set<string>();

  private constructor(settings: ResolvedSettings) {
    this.settings = { ...settings, host: settings.host.replace(/\/+$/, "") };
    this.#team = settings.team;
  }

  /**
   * Resolves settings and, when no team is configured, asks the server which team the key belongs to.
   *
   * @example
   * ```ts
   * const client = await Client.connect({ host: "http://127.0.0.1:8787", key: process.env.CAIRN_API_KEY });
   * console.log(client.team);
   * ```
   */
  static async connect(settings: Settings = {}): Promise<Client> {
    const client = new Client(await resolveSettings(settings));
    if (!client.settings.key) {
      throw new CairnError("not_configured", "no API key is configured", {
        hint: "Run `cairn login --key <key>` or set CAIRN_API_KEY",
      });
    }
    if (!client.#team) client.#team = (await client.whoami()).team;
    return client;
  }

  /** The team every request is scoped to. */
  get team(): string {
    return this.#team;
  }

  /** The default project. */
  get project(): string {
    return this.settings.project;
  }

  /** `GET /whoami`: the key's team and role. */
  async whoami(): Promise<{ team: string; role: string; keyId: string }> {
    return this.request("GET", "/whoami");
  }

  /** `/teams/<team><rest>` with the team escaped. */
  teamPath(rest = "", team = this.#team): string {
    return `/teams/${encodeURIComponent(team)}${rest}`;
  }

  /** `/teams/<team>/projects/<project><rest>`. */
  projectPath(project: string, rest = "", team = this.#team): string {
    return this.teamPath(`/projects/${encodeURIComponent(project)}${rest}`, team);
  }

  /** `/teams/<team>/projects/<project>/artifacts/<name><rest>`. */
  artifactPath(project: string, name: string, rest = "", team = this.#team): string {
    return this.projectPath(project, `/artifacts/${encodeURIComponent(name)}${rest}`, team);
  }

  /**
   * Makes sure a project exists, creating it on first use like W&B does (needs a writer key). Cached per
   * client so it costs one request per project.
   */
  async ensureProject(project: string, team = this.#team): Promise<void> {
    const key = `${team}/${project}`;
    if (this.#projects.has(key)) return;
    try {
      await this.request("GET", this.projectPath(project, "", team));
    } catch (error) {
      if (!(error instanceof CairnError && error.code === "not_found" && team === this.#team)) throw error;
      try {
        await this.request("POST", this.teamPath("/projects", team), { name: project });
      } catch (createError) {
        // Two processes may create it at once; the loser sees a conflict and the project exists.
        if (!(createError instanceof CairnError && createError.code === "conflict")) throw createError;
      }
    }
    this.#projects.add(key);
  }

  /**
   * Sends one JSON request to `/api/v1<path>` and returns the parsed response body. Transient failures
   * (connection resets, 502/503/504) are retried with backoff; an API error becomes a `CairnError`.
   */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    let url = `${this.settings.host}/api/v1${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.settings.key}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let response: Response;
    try {
      response = await withRetries(
        async () => {
          const res = await fetch(url, { method, headers, body: payload });
          if (RETRY_STATUSES.has(res.status)) {
            await res.body?.cancel();
            throw new TransientHttpError(res);
          }
          return res;
        },
        { attempts: 4, retryable: isTransient },
      );
    } catch (error) {
      if (error instanceof TransientHttpError) response = error.response;
      else throw this.#networkError(error);
    }
    const text = await response.text();
    if (!response.ok) throw this.#apiError(response, text, method, path);
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch (error) {
      throw new CairnError("bad_response", `${method} ${path} answered with invalid JSON`, {
        status: response.status,
        hint: `Check that ${this.settings.host} is a Cairn server`,
        cause: error,
      });
    }
  }

  #networkError(error: unknown): CairnError {
    const reason = networkReason(error);
    return new CairnError(
      "unreachable",
      `cannot reach the Cairn server at ${this.settings.host} (${reason})`,
      {
        hint: "Check the host (CAIRN_HOST or `cairn login --host`) and that the server is running (`npm start` for a local one)",
        cause: error,
      },
    );
  }

  #apiError(response: Response, text: string, method: string, path: string): CairnError {
    let code = "internal";
    let message = `${method} ${path} failed with HTTP ${response.status}`;
    let requestId: string | undefined;
    let details: unknown;
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed) && isRecord(parsed.error)) {
        const e = parsed.error;
        if (typeof e.code === "string") code = e.code;
        if (typeof e.message === "string") message = e.message;
        if (typeof e.requestId === "string") requestId = e.requestId;
        details = e.details;
      }
    } catch {
      // Not our error body (a proxy's page, say): keep the generic message.
    }
    return new CairnError(code, message, {
      status: response.status,
      hint: hintFor(code, response.status, this.settings.host),
      ...(requestId ? { requestId } : {}),
      details,
    });
  }
}

function hintFor(code: string, status: number, host: string): string {
  if (status === 401 || code === "unauthorized") {
    return `Check the API key for ${host}: run \`cairn login --key <key>\` or set CAIRN_API_KEY`;
  }
  if (status === 403 || code === "forbidden") return "Use a key with a role that allows this";
  if (code === "not_found") return "Check the team, project and name (`cairn ls`, `cairn versions NAME`)";
  if (code === "alias_conflict") return "Re-read the alias and retry with the right --if version";
  if (code === "type_mismatch") return "Use the artifact's existing type or another name";
  if (status >= 500) return "The server failed; retry, and report the request id if it persists";
  return "";
}
