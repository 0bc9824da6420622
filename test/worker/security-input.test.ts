/**
 * Hostile input at the API (issue 6): wrong content types and malformed JSON on every write route, body
 * limits (declared, streamed), deep and huge JSON, and a lying client naming another team's blob through
 * pages and drafts. Gaps only: lying uploads and presigned URLs are covered in blobs/presigned tests.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalPage, cutLeafPages, sortEntries } from "../../src/shared/manifest.ts";
import { ADMIN_TOKEN, api, call, newTeam, type TestTeam } from "./helpers.ts";
import {
  artifactRows,
  artifactsPath,
  commitEntries,
  countRows,
  teamId,
  verifiedBlob,
} from "./version-helpers.ts";

interface Operation {
  method: string;
  path: string;
  role: string;
}

let writes: Operation[];
let t: TestTeam;
let params: Record<string, string>;

beforeAll(async () => {
  const doc = await call<{
    paths: Record<string, Record<string, { "x-cairn-role"?: string; requestBody?: unknown }>>;
  }>("GET", "/openapi.json");
  writes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      // Routes that read a body (a heartbeat, for one, reads none).
      .filter(([, op]) => op.requestBody !== undefined)
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path: path.replace(/^\/api\/v1/, ""),
        role: op["x-cairn-role"] ?? "reader",
      })),
  );
  t = await newTeam("input");
  await commitEntries(t, "data", [{ path: "a", ref: "https://example.com/a" }]);
  const run = await call("POST", `/teams/${t.team}/projects/p/runs`, {
    key: t.writer,
    body: {},
    status: 201,
  });
  const draft = await call("POST", `${artifactsPath(t, "data")}/drafts`, {
    key: t.writer,
    body: { type: "dataset" },
    status: 201,
  });
  params = {
    team: t.team,
    project: "p",
    name: "data",
    selector: "v0",
    alias: "best",
    draftId: draft.draft.id,
    keyId: "none",
    id: run.run.id,
  };
});

function concrete(op: Operation): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? "x"));
}

function keyFor(op: Operation): string {
  return op.role === "superadmin" ? ADMIN_TOKEN : t.admin;
}

describe("POST|PUT|PATCH /api/v1/... (every write route)", () => {
  it("should answer 415 to a body that is not JSON, and 400 invalid_json to malformed JSON", async () => {
    expect(writes.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const op of writes) {
      for (const [contentType, body, status, code] of [
        ["text/plain", '{"name":"x"}', 415, "unsupported_media_type"],
        ["application/x-www-form-urlencoded", "name=x", 415, "unsupported_media_type"],
        ["application/json", '{"name":', 400, "invalid_json"],
        ["application/json", "\u0000\u00ff", 400, "invalid_json"],
      ] as const) {
        const response = await api(op.method, concrete(op), {
          key: keyFor(op),
          body,
          headers: { "content-type": contentType },
        });
        const answer = (await response.json()) as { error?: { code?: string; requestId?: string } };
        if (response.status !== status || answer.error?.code !== code || !answer.error?.requestId) {
          wrong.push(
            `${op.method} ${op.path} [${contentType}] → ${response.status} ${JSON.stringify(answer)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("should answer 400 to deep JSON and never 5xx to huge JSON on any write route", async () => {
    const deepArray = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;
    const hugeArray = JSON.stringify({ blobs: new Array(150_000).fill(0) });
    const wrong: string[] = [];
    for (const op of writes) {
      for (const body of [deepArray, deepObject, hugeArray]) {
        const response = await api(op.method, concrete(op), { key: keyFor(op), body });
        const answer = (await response.json()) as { error?: { code?: string } };
        // Deep JSON is refused before validation; a huge array under an unknown key is ignored by the
        // schema (unknown keys are dropped), so only "no 5xx" holds for it.
        const deep = body !== hugeArray;
        if (response.status >= 500 || (deep && answer.error?.code !== "validation_failed")) {
          wrong.push(`${op.method} ${op.path} → ${response.status} ${JSON.stringify(answer).slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("POST /api/v1/teams/:team/projects (body limits)", () => {
  it("should answer 413 to a body over 1 MiB, declared or streamed without a length, and create nothing", async () => {
    const projects = async () =>
      (await call("GET", `/teams/${t.team}/projects`, { key: t.reader })).projects.length;
    const before = await projects();
    const big = JSON.stringify({ name: "big", description: "x".repeat(1024 * 1024) });
    const declared = await api("POST", `/teams/${t.team}/projects`, { key: t.writer, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "payload_too_large" } });

    // A client that sends no Content-Length (chunked) is cut off once it passes the limit.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024)
          controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await exports.default.fetch(
      new Request(`http://cairn.test/api/v1/teams/${t.team}/projects`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.writer}`, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(await projects()).toBe(before);
  });
});

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (lying client)", () => {
  it("should refuse pages and drafts naming a blob only another team holds with blob_missing, revealing nothing", async () => {
    const me = await newTeam("input");
    const other = await newTeam("input");
    const theirs = await verifiedBlob(other);
    const [page] = cutLeafPages(
      sortEntries([{ path: "stolen.bin", sha256: theirs.sha256, size: theirs.size }]),
    );
    if (!page) throw new Error("no page");
    // Uploading the page is allowed (a page is only text); committing it is not.
    await call("POST", `/teams/${me.team}/pages`, {
      key: me.writer,
      body: { pages: [{ digest: page.digest, entries: page.entries }] },
      status: 201,
    });
    expect(canonicalPage(page.entries)).toContain(theirs.sha256);
    const viaPages = await call("POST", `${artifactsPath(me, "loot")}/versions`, {
      key: me.writer,
      body: { type: "dataset", pages: [page.digest] },
      status: 422,
    });
    expect(viaPages).toMatchObject({
      error: { code: "blob_missing", details: { missing: [theirs.sha256] } },
    });
    expect(JSON.stringify(viaPages)).not.toContain(other.team);
    expect(JSON.stringify(viaPages)).not.toContain(await teamId(other.team));

    await commitEntries(me, "loot2", [{ path: "ok", ref: "https://example.com/ok" }]);
    const draft = await call("POST", `${artifactsPath(me, "loot2")}/drafts`, {
      key: me.writer,
      body: { type: "dataset", base: "v0" },
      status: 201,
    });
    const changes = await api("POST", `${artifactsPath(me, "loot2")}/drafts/${draft.draft.id}/changes`, {
      key: me.writer,
      body: { put: [{ path: "stolen.bin", sha256: theirs.sha256, size: theirs.size }] },
    });
    const changed = (await changes.json()) as { error?: { code: string } };
    if (changes.status === 200) {
      const commit = await call("POST", `${artifactsPath(me, "loot2")}/drafts/${draft.draft.id}/commit`, {
        key: me.writer,
        body: {},
        status: 422,
      });
      expect(commit).toMatchObject({ error: { code: "blob_missing" } });
      expect(JSON.stringify(commit)).not.toContain(other.team);
    } else {
      expect(changes.status).toBe(422);
      expect(changed).toMatchObject({ error: { code: "blob_missing" } });
    }
    expect(await artifactRows(me)).toEqual({ artifacts: 1, versions: 1 });
    expect(await countRows("versions", "team_id = ? AND number > 0", await teamId(me.team))).toBe(0);
    expect(
      (await call("POST", `/teams/${me.team}/admin/fsck`, { key: me.admin, body: {} })).violations,
    ).toEqual([]);
  });
});
