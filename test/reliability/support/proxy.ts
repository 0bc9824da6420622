/**
 * @module A recording HTTP proxy between clients and `wrangler dev`. Clients (and the presigned URLs the
 * server signs for the proxy's own Host) go through it, so it sees every API call and every byte PUT to R2:
 * it counts uploaded bytes per object part, learns which blobs `complete` verified, fires a hook when a
 * chosen request has reached the server (to crash it right then), and survives a server restart.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";

/** One PUT of blob bytes to R2 through a presigned URL. */
export interface PutRecord {
  /** `<sha256>#<partNumber>` (part 0: a single PUT). */
  part: string;
  sha256: string;
  bytes: number;
  /** HTTP status, or null while the PUT is in flight (or when it was cut off). */
  status: number | null;
  /** Which client attempt sent it (see `attempt`). */
  attempt: number;
}

export interface ForwardedRequest {
  method: string;
  path: string;
}

export class RecordingProxy {
  readonly puts: PutRecord[] = [];
  /** sha256s that `complete` answered `verified`, in the attempt that saw it. */
  readonly verified = new Map<string, number>();
  /** Number the current client attempt; PUTs are tagged with it. */
  attempt = 0;
  /** Called once the whole request body has been handed to the server. */
  onForwarded: ((request: ForwardedRequest) => void) | null = null;
  private server: http.Server | null = null;
  private upstream: URL;

  constructor(upstream: string) {
    this.upstream = new URL(upstream);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? 0}`;
  }

  /** Points the proxy at another server (after a restart). */
  setUpstream(upstream: string): void {
    this.upstream = new URL(upstream);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** PUTs in flight right now. */
  inFlight(): PutRecord[] {
    return this.puts.filter((put) => put.status === null);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const record = method === "PUT" ? blobPut(path, this.attempt) : null;
    if (record) this.puts.push(record);
    // The Host header is kept: the Worker signs URLs for the origin it was called on, i.e. this proxy.
    const upstream = http.request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method,
        path,
        headers: req.headers,
        agent: false,
      },
      (response) => {
        if (record) record.status = response.statusCode ?? 0;
        res.writeHead(response.statusCode ?? 502, response.headers);
        const completing = method === "POST" && path.endsWith("/blobs/complete");
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          if (completing) chunks.push(chunk);
          res.write(chunk);
        });
        response.on("end", () => {
          if (completing && response.statusCode === 200)
            this.learnVerified(decoded(Buffer.concat(chunks), response.headers["content-encoding"]));
          res.end();
        });
        response.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end('{"error":{"code":"internal","message":"upstream down","requestId":""}}');
      } else res.destroy();
    });
    req.on("data", (chunk: Buffer) => {
      if (record) record.bytes += chunk.byteLength;
      upstream.write(chunk);
    });
    req.on("end", () => {
      upstream.end();
      this.onForwarded?.({ method, path });
    });
    req.on("error", () => upstream.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
  }

  private learnVerified(body: Buffer): void {
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { results?: { sha256: string; status: string }[] };
      for (const result of parsed.results ?? []) {
        if (result.status === "verified" && !this.verified.has(result.sha256)) {
          this.verified.set(result.sha256, this.attempt);
        }
      }
    } catch {
      // not JSON: nothing learnt
    }
  }
}

/** The body as sent, whatever compression the server chose for this client. */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  try {
    if (encoding === "gzip") return zlib.gunzipSync(body);
    if (encoding === "br") return zlib.brotliDecompressSync(body);
    if (encoding === "deflate") return zlib.inflateSync(body);
  } catch {
    return Buffer.alloc(0);
  }
  return body;
}

/** A presigned PUT to `/cdn-cgi/local/r2/s3/<bucket>/teams/<team>/blobs/<xx>/<sha>/<upload>`. */
function blobPut(path: string, attempt: number): PutRecord | null {
  const url = new URL(path, "http://proxy");
  const match = /\/blobs\/[0-9a-f]{2}\/([0-9a-f]{64})\//.exec(url.pathname);
  if (!match?.[1]) return null;
  const part = Number(url.searchParams.get("partNumber") ?? "0");
  return { part: `${match[1]}#${part}`, sha256: match[1], bytes: 0, status: null, attempt };
}
