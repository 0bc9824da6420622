/**
 * Property-based tests (fast-check) at the API (issue 6): arbitrary paths, names, aliases, refs, metadata
 * and whole request bodies. For every input: never a 5xx; a traversal path is never accepted; a refusal
 * leaves the team's rows exactly as they were; and what is accepted reads back as sent.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, env, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, teamId } from "./version-helpers.ts";

const RUNS = 60;

let t: TestTeam;
let id: string;

beforeAll(async () => {
  t = await newTeam("prop");
  id = await teamId(t.team);
  await commitEntries(t, "base", [{ path: "a", ref: "https://example.com/a" }]);
});

/** Rows that a write may create, for this team: a refused request must leave every count unchanged. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables: [string, string][] = [
    ["artifacts", "team_id = ?1"],
    ["versions", "team_id = ?1"],
    ["aliases", "artifact_id IN (SELECT id FROM artifacts WHERE team_id = ?1)"],
    ["pages", "team_id = ?1"],
    ["index_pages", "team_id = ?1"],
    ["blobs", "team_id = ?1"],
    ["uploads", "team_id = ?1"],
    ["drafts", "team_id = ?1"],
    ["projects", "team_id = ?1"],
    ["runs", "team_id = ?1"],
  ];
  const results = await env.DB.batch(
    tables.map(([table, where]) =>
      env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(id),
    ),
  );
  return Object.fromEntries(
    tables.map(([table], i) => [table, (results[i]?.results[0] as { n: number } | undefined)?.n ?? -1]),
  );
}

/** A path made of hostile pieces as well as arbitrary text. */
const hostilePath = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        "..",
        ".",
        "",
        "a",
        "b.txt",
        "%2e%2e",
        "\\",
        "..\\x",
        "\u0000",
        "~",
        "/",
        "é",
        "\uD800",
      ),
      {
        minLength: 1,
        maxLength: 6,
      },
    )
    .map((parts) => parts.join("/")),
);

function isTraversalOrUnsafe(path: string): boolean {
  return (
    path.startsWith("/") ||
    path.includes("\\") ||
    path.split("/").some((segment) => segment === "" || segment === "." || segment === "..")
  );
}

let counter = 0;

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (properties)", () => {
  it("should never accept a traversal path, never 5xx, and list an accepted path exactly as sent", async () => {
    await fc.assert(
      fc.asyncProperty(hostilePath, async (path) => {
        const before = await rowCounts();
        const name = `paths-${counter++}`;
        const response = await api("POST", `${artifactsPath(t, name)}/versions`, {
          key: t.writer,
          body: { type: "dataset", entries: [{ path, ref: "https://example.com/x" }] },
        });
        expect(response.status).toBeLessThan(500);
        if (response.status === 201) {
          expect(isTraversalOrUnsafe(path)).toBe(false);
          const files = await call("GET", `${artifactsPath(t, name)}/versions/v0/files`, { key: t.reader });
          expect(files.files.map((f: { path: string }) => f.path)).toEqual([path]);
        } else {
          expect(response.status).toBe(400);
          expect(await response.json()).toMatchObject({ error: { code: "validation_failed" } });
          expect(await rowCounts()).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("should round-trip accepted metadata and refuse the rest without leaving anything", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string(), fc.jsonValue())),
        async (metadata) => {
          const before = await rowCounts();
          const name = `meta-${counter++}`;
          const response = await api("POST", `${artifactsPath(t, name)}/versions`, {
            key: t.writer,
            body: { type: "dataset", entries: [{ path: "x", ref: "https://example.com/x" }], metadata },
          });
          expect(response.status).toBeLessThan(500);
          if (response.status === 201) {
            const got = await call("GET", `${artifactsPath(t, name)}/versions/v0`, { key: t.reader });
            expect(got.version.metadata).toEqual(JSON.parse(JSON.stringify(metadata)));
          } else {
            expect(response.status).toBe(400);
            expect(await rowCounts()).toEqual(before);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("should answer any whole request body with a 4xx or a version, never 5xx, and leave nothing on refusal", async () => {
    const entry = fc.record(
      {
        path: fc.oneof(fc.constant("ok.txt"), hostilePath),
        ref: fc.oneof(fc.constant("https://example.com/r"), fc.string()),
        sha256: fc.oneof(fc.constant("0".repeat(64)), fc.string({ maxLength: 70 })),
        size: fc.oneof(fc.integer(), fc.double(), fc.constant(-1)),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          type: fc.oneof(fc.constant("dataset"), fc.string()),
          entries: fc.array(entry, { maxLength: 5 }),
          pages: fc.array(fc.string({ maxLength: 70 }), { maxLength: 3 }),
          aliases: fc.array(fc.string(), { maxLength: 3 }),
          tags: fc.anything(),
          description: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const before = await rowCounts();
        const name = `body-${counter++}`;
        const response = await api("POST", `${artifactsPath(t, name)}/versions`, {
          key: t.writer,
          body: JSON.stringify(value) ?? "null",
        });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          const answer = (await response.json()) as {
            error: { code: string; message: string; requestId: string };
          };
          expect(answer.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          expect(await rowCounts()).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("POST /api/v1/teams/:team/projects and /blobs/prepare, /pages, /drafts (whole bodies)", () => {
  it("should never 5xx and leave nothing behind on refusal, whatever the body", async () => {
    const routes = [
      `/teams/{team}/projects`,
      `/teams/{team}/blobs/prepare`,
      `/teams/{team}/blobs/complete`,
      `/teams/{team}/pages`,
      `/teams/{team}/pages/prepare`,
      `/teams/{team}/projects/p/artifacts/base/drafts`,
      `/teams/{team}/projects/p/runs`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue({ maxDepth: 4 }), async (route, value) => {
        const before = await rowCounts();
        const response = await api("POST", route.replace("{team}", t.team), {
          key: t.writer,
          body: JSON.stringify(value) ?? "null",
        });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(await rowCounts()).toEqual(before);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("GET|PUT /api/v1/teams/:team/projects/:project/artifacts/:name/... (names, aliases, refs)", () => {
  it("should answer arbitrary artifact names, selectors and refs with 2xx or 4xx, never 5xx", async () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 60 }));
    await fc.assert(
      fc.asyncProperty(text, text, async (name, selector) => {
        const paths = [
          `${artifactsPath(t, encodeURIComponent(name))}`,
          `${artifactsPath(t, "base")}/versions/${encodeURIComponent(selector)}`,
          `${artifactsPath(t, encodeURIComponent(name))}/versions/${encodeURIComponent(selector)}/files`,
          `/teams/${t.team}/projects/${encodeURIComponent(name)}`,
          `${artifactsPath(t, "base")}/diff?from=${encodeURIComponent(selector)}&to=v0`,
        ];
        for (const path of paths) {
          const response = await api("GET", path, { key: t.reader });
          expect(response.status, path).toBeLessThan(500);
          await response.body?.cancel();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("should accept only valid aliases, resolve what it accepted, and change nothing on refusal", async () => {
    const alias = fc.oneof(
      fc.string({ maxLength: 140 }),
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
      fc.constantFrom("latest", "v1", "v01", "..", "a/b", "a b"),
    );
    await fc.assert(
      fc.asyncProperty(alias, async (name) => {
        const before = await rowCounts();
        const response = await api("PUT", `${artifactsPath(t, "base")}/aliases/${encodeURIComponent(name)}`, {
          key: t.writer,
          body: { version: "v0" },
        });
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) {
          expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
          expect(name).not.toMatch(/^v[0-9]+$/);
          expect(name).not.toBe("latest");
          const resolved = await call(
            "GET",
            `${artifactsPath(t, "base")}/versions/${encodeURIComponent(name)}`,
            {
              key: t.reader,
            },
          );
          expect(resolved.version.version).toBe(0);
        } else {
          expect([400, 404, 409]).toContain(response.status);
          expect(await rowCounts()).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
    expect(
      (await call("POST", `/teams/${t.team}/admin/fsck`, { key: t.admin, body: {} })).violations,
    ).toEqual([]);
  });
});
