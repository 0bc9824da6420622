import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Api, Artifact, CairnError } from "../../src/sdk/index.ts";
import type { ManifestEntry } from "../../src/shared/manifest.ts";
import { cairnEnv, runCli } from "./support/cairn-env.ts";

/** What the test server serves at one path; tests change it to simulate content moving under a URL. */
interface Served {
  body: Buffer;
  /** The ETag header as sent, quotes and weak marker included. */
  etag?: string;
  /** Answer HEAD with 405, like GET-only signed URLs and some CDNs. */
  refuseHead?: boolean;
}

interface FileServer {
  url: string;
  files: Map<string, Served>;
  requests: { method: string; path: string; range?: string }[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A plain HTTP file server on 127.0.0.1 with ETags, HEAD and one-byte ranges, recording every request. */
async function fileServer(): Promise<FileServer> {
  const files = new Map<string, Served>();
  const requests: FileServer["requests"] = [];
  const server = createServer((req, res) => {
    const urlPath = req.url ?? "/";
    requests.push({
      method: req.method ?? "",
      path: urlPath,
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });
    const file = files.get(urlPath);
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (file.etag) headers.etag = file.etag;
    if (req.method === "HEAD") {
      if (file.refuseHead) res.writeHead(405).end();
      else res.writeHead(200, { ...headers, "content-length": String(file.body.length) }).end();
      return;
    }
    if (req.headers.range === "bytes=0-0") {
      res
        .writeHead(206, {
          ...headers,
          "content-range": `bytes 0-0/${file.body.length}`,
          "content-length": "1",
        })
        .end(file.body.subarray(0, 1));
      return;
    }
    res.writeHead(200, { ...headers, "content-length": String(file.body.length) }).end(file.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, files, requests };
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

async function entries(version: { files(): AsyncIterable<ManifestEntry> }): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  for await (const entry of version.files()) out.push(entry);
  return out;
}

/** The directory holds exactly these names: a refused download leaves neither the file nor a temp file. */
function namesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe("SDK: references (addReference, download)", () => {
  it("should keep a sha256 reference as given, download it verified, and refuse it once the bytes change", async () => {
    const { dir, env } = await cairnEnv();
    const http = await fileServer();
    const original = Buffer.from("label,count\ncat,3\ndog,4\n");
    http.files.set("/labels.csv", { body: original, etag: '"e1"' });
    const checksum = `sha256:${sha256(original)}`;

    const api = new Api({ env });
    const logged = await api.logArtifact(
      new Artifact({ name: "refs-sha", type: "dataset" }).addReference(`${http.url}/labels.csv`, {
        checksum,
      }),
    );
    expect(logged).toMatchObject({ created: true, files: 1, uploadedBytes: 0, uploadedFiles: 0 });
    // A checksum was given: nothing is asked of the URL at log time, and the entry is stored as given.
    expect(http.requests).toEqual([]);
    expect(await entries(logged.artifactVersion)).toEqual([
      { path: "labels.csv", ref: `${http.url}/labels.csv`, checksum },
    ]);

    const root = path.join(dir, "first");
    const report = await logged.artifactVersion.downloadWithReport({ root });
    expect(report).toMatchObject({ files: 1, downloadedBytes: original.length, skipped: [] });
    expect(readFileSync(path.join(root, "labels.csv"))).toEqual(original);

    // Same length, other bytes: only the hash can tell.
    http.files.set("/labels.csv", { body: Buffer.from("label,count\ncat,9\ndog,9\n"), etag: '"e1"' });
    const changedRoot = path.join(dir, "second");
    const error = await logged.artifactVersion.download({ root: changedRoot }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({ code: "digest_mismatch", details: { path: "labels.csv" } });
    expect((error as CairnError).message).toMatch(
      new RegExp(
        `reference 'labels.csv' no longer matches what was logged: sha256 is [0-9a-f]{64}, expected ${sha256(original)}`,
      ),
    );
    expect((error as CairnError).hint).toContain(`${http.url}/labels.csv changed`);
    expect(namesIn(changedRoot)).toEqual([]);
  });

  it("should capture the ETag and size at log time and refuse a download once the ETag changed", async () => {
    const { dir, env } = await cairnEnv();
    const http = await fileServer();
    const body = Buffer.alloc(3000, 7);
    http.files.set("/weights.bin", { body, etag: '"abc-123"' });

    const api = new Api({ env });
    const logged = await api.logArtifact(
      new Artifact({ name: "refs-etag", type: "model" }).addReference(`${http.url}/weights.bin`, {
        name: "model/weights.bin",
      }),
    );
    expect(logged).toMatchObject({ uploadedBytes: 0, uploadedFiles: 0 });
    expect(http.requests).toEqual([{ method: "HEAD", path: "/weights.bin" }]);
    expect(await entries(logged.artifactVersion)).toEqual([
      { path: "model/weights.bin", ref: `${http.url}/weights.bin`, checksum: "etag:abc-123", size: 3000 },
    ]);

    const root = path.join(dir, "ok");
    await logged.artifactVersion.download({ root });
    expect(readFileSync(path.join(root, "model/weights.bin"))).toEqual(body);

    http.files.set("/weights.bin", { body, etag: '"abc-124"' });
    const changedRoot = path.join(dir, "changed");
    const error = await logged.artifactVersion.download({ root: changedRoot }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({
      code: "digest_mismatch",
      message:
        "reference 'model/weights.bin' no longer matches what was logged: ETag is abc-124, expected abc-123",
    });
    expect(namesIn(path.join(changedRoot, "model"))).toEqual([]);
  });

  it("should fall back to a one-byte GET when HEAD is refused, and take the size from Content-Range", async () => {
    const { env } = await cairnEnv();
    const http = await fileServer();
    http.files.set("/signed/shard-7.tar", { body: Buffer.alloc(12_345, 1), etag: 'W/"7"', refuseHead: true });

    const { artifactVersion } = await new Api({ env }).logArtifact(
      new Artifact({ name: "refs-range", type: "dataset" }).addReference(`${http.url}/signed/shard-7.tar`),
    );
    expect(http.requests).toEqual([
      { method: "HEAD", path: "/signed/shard-7.tar" },
      { method: "GET", path: "/signed/shard-7.tar", range: "bytes=0-0" },
    ]);
    expect(await entries(artifactVersion)).toEqual([
      { path: "shard-7.tar", ref: `${http.url}/signed/shard-7.tar`, checksum: "etag:7", size: 12_345 },
    ]);
  });

  it("should refuse to log an http reference that cannot be read, creating no version", async () => {
    const { env } = await cairnEnv();
    const http = await fileServer();
    const api = new Api({ env });
    const error = await api
      .logArtifact(new Artifact({ name: "refs-gone", type: "dataset" }).addReference(`${http.url}/gone.bin`))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({
      code: "transfer_failed",
      status: 404,
      message: `reference 'gone.bin' (${http.url}/gone.bin) could not be read (HEAD: HTTP 404, GET: HTTP 404)`,
    });
    await expect(api.artifact("refs-gone")).rejects.toMatchObject({ code: "not_found" });
  });

  it("should store s3:// and gs:// references as given and list them as skipped, in the SDK and the CLI", async () => {
    const { dir, env } = await cairnEnv();
    const artifact = new Artifact({ name: "refs-cloud", type: "dataset" })
      .addReference("s3://bucket/shards/0001.tar", { size: 1024 })
      .addReference("gs://other/labels.json", { checksum: "etag:xyz" });
    const logged = await new Api({ env }).logArtifact(artifact);
    expect(logged).toMatchObject({ files: 2, uploadedBytes: 0, uploadedFiles: 0 });
    expect(await entries(logged.artifactVersion)).toEqual([
      { path: "0001.tar", ref: "s3://bucket/shards/0001.tar", size: 1024 },
      { path: "labels.json", ref: "gs://other/labels.json", checksum: "etag:xyz" },
    ]);

    const root = path.join(dir, "cloud");
    const report = await logged.artifactVersion.downloadWithReport({ root });
    expect(report).toMatchObject({ files: 2, downloadedBytes: 0, downloadedFiles: 0 });
    expect(report.skipped).toEqual([
      {
        path: "0001.tar",
        reason:
          "s3:// references are not fetched by the Cairn client; fetch s3://bucket/shards/0001.tar with your own tools",
      },
      {
        path: "labels.json",
        reason:
          "gs:// references are not fetched by the Cairn client; fetch gs://other/labels.json with your own tools",
      },
    ]);
    expect(namesIn(root)).toEqual([]);

    const cli = await runCli(["get", logged.version.ref, "--root", path.join(dir, "cli")], env);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain(
      "warning: skipped 0001.tar: s3:// references are not fetched by the Cairn client; fetch s3://bucket/shards/0001.tar with your own tools",
    );
    expect(cli.stderr).toContain("warning: skipped labels.json: gs:// references");
  });
});
