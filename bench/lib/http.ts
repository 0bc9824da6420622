/** @module A bare JSON client for the bench's own calls to the API (setup and the raw limits), no SDK logic. */

export interface BenchServer {
  url: string;
  apiKey: string;
  team: string;
  project: string;
}

export class HttpError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(status: number, body: string, what: string) {
    super(`${what} answered ${status}: ${body.slice(0, 500)}`);
    this.status = status;
    this.body = body;
  }
}

export async function callJson<T>(
  server: BenchServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.apiKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, text, `${method} ${path}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** `/teams/:team/projects/:project` of the bench project. */
export function projectPath(server: BenchServer): string {
  return `/teams/${server.team}/projects/${server.project}`;
}

export function artifactPath(server: BenchServer, name: string): string {
  return `${projectPath(server)}/artifacts/${encodeURIComponent(name)}`;
}
