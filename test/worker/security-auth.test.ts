/**
 * Authorisation matrix over EVERY route of the OpenAPI document (issue 6): no key, malformed key, revoked
 * key → 401; another team's key → 404; a reader on writes and a writer on admin routes → 403. Every
 * answer has the documented error shape and carries nothing of the team it protects.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, api, call, env, newTeam, type TestTeam } from "./helpers.ts";
import { commitEntries, teamId, verifiedBlob } from "./version-helpers.ts";

interface Operation {
  method: string;
  path: string;
  role: "reader" | "writer" | "admin" | "superadmin";
}

interface Fixture {
  team: TestTeam;
  other: TestTeam;
  revoked: string;
  /** Internal ids and names of `team` that must never appear in an answer given to someone else. */
  secrets: string[];
  params: Record<string, string>;
}

let operations: Operation[];
let fixture: Fixture;

beforeAll(async () => {
  const doc = await call<{ paths: Record<string, Record<string, { "x-cairn-role"?: Operation["role"] }>> }>(
    "GET",
    "/openapi.json",
  );
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: path.replace(/^\/api\/v1/, ""),
      role: op["x-cairn-role"] ?? "reader",
    })),
  );

  const team = await newTeam("auth");
  const other = await newTeam("auth");
  const blob = await verifiedBlob(team);
  const committed = await commitEntries(
    team,
    "data",
    [{ path: "a.bin", sha256: blob.sha256, size: blob.size }],
    {
      aliases: ["best"],
    },
  );
  const run = await call("POST", `/teams/${team.team}/projects/p/runs`, {
    key: team.writer,
    body: { name: "r1" },
    status: 201,
  });
  const draft = await call("POST", `/teams/${team.team}/projects/p/artifacts/data/drafts`, {
    key: team.writer,
    body: { type: "dataset", base: "v0" },
    status: 201,
  });
  const spare = await call("POST", `/teams/${team.team}/keys`, {
    key: team.admin,
    body: { name: "spare", role: "admin" },
    status: 201,
  });
  const revoked = await call("POST", `/teams/${team.team}/keys`, {
    key: team.admin,
    body: { name: "gone", role: "admin" },
    status: 201,
  });
  await call("DELETE", `/teams/${team.team}/keys/${revoked.key.id}`, { key: team.admin });
  const artifact = await env.DB.prepare(
    "SELECT id, project_id FROM artifacts WHERE name = 'data' AND team_id = ?",
  )
    .bind(await teamId(team.team))
    .first<{ id: string; project_id: string }>();
  fixture = {
    team,
    other,
    revoked: revoked.key.key,
    secrets: [
      await teamId(team.team),
      artifact?.id ?? "?",
      artifact?.project_id ?? "?",
      committed.version.digest,
      blob.sha256,
      spare.key.id,
    ],
    params: {
      team: team.team,
      project: "p",
      name: "data",
      selector: "v0",
      alias: "best",
      draftId: draft.draft.id,
      keyId: spare.key.id,
      id: run.run.id,
    },
  };
});

function concrete(op: Operation, params: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no fixture value for {${name}} in ${op.path}`);
    return encodeURIComponent(value);
  });
}

/** Sends the operation; writes get an empty JSON object (authorisation must come before validation). */
async function send(op: Operation, key: string | undefined, headers: Record<string, string> = {}) {
  const hasBody = op.method !== "GET" && op.method !== "DELETE";
  const response = await api(op.method, concrete(op, fixture.params), {
    ...(key ? { key } : {}),
    ...(hasBody ? { body: {} } : {}),
    headers,
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { error?: Record<string, unknown> } };
}

/** Runs `expectation` for each operation and reports every mismatch at once (not just the first). */
async function matrix(
  pick: (op: Operation) => boolean,
  run: (
    op: Operation,
  ) => Promise<{ status: number; text: string; body: { error?: Record<string, unknown> } }>,
  status: number,
  code: string,
) {
  const selected = operations.filter(pick);
  expect(selected.length).toBeGreaterThan(0);
  const wrong: string[] = [];
  for (const op of selected) {
    const answer = await run(op);
    const shapeOk =
      answer.body.error?.code === code &&
      typeof answer.body.error.message === "string" &&
      typeof answer.body.error.requestId === "string" &&
      (answer.body.error.requestId as string).length > 0;
    const leaked = fixture.secrets.filter((secret) => answer.text.includes(secret));
    if (answer.status !== status || !shapeOk || leaked.length > 0) {
      wrong.push(`${op.method} ${op.path} → ${answer.status} ${answer.text.slice(0, 200)}`);
    }
  }
  expect(wrong).toEqual([]);
  return selected.length;
}

describe("GET /api/v1/openapi.json (authorisation of every route)", () => {
  it("should document a role-checked operation for every route family", () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    expect(operations).toContainEqual({ method: "POST", path: "/teams/{team}/admin/fsck", role: "admin" });
  });

  it("should answer 401 without a key, revealing nothing", async () => {
    await matrix(
      (op) => op.path !== "/health" && op.path !== "/openapi.json",
      (op) => send(op, undefined),
      401,
      "unauthorized",
    );
  });

  it("should answer 401 for malformed keys", async () => {
    for (const header of ["Bearer", "Basic dXNlcjpwYXNz", `Bearer ${fixture.team.admin}x`, "Bearer a b"]) {
      await matrix(
        (op) => op.path !== "/health" && op.path !== "/openapi.json",
        (op) => send(op, undefined, { authorization: header }),
        401,
        "unauthorized",
      );
    }
  });

  it("should answer 401 for a revoked key", async () => {
    await matrix(
      (op) => op.path !== "/health" && op.path !== "/openapi.json",
      (op) => send(op, fixture.revoked),
      401,
      "unauthorized",
    );
  });

  it("should answer 404 to another team's admin key on every team route, revealing nothing", async () => {
    await matrix(
      (op) => op.path.startsWith("/teams/{team}"),
      (op) => send(op, fixture.other.admin),
      404,
      "not_found",
    );
  });

  it("should answer 403 to a reader on every write", async () => {
    await matrix(
      (op) => op.role !== "reader" && op.path.startsWith("/teams/{team}"),
      (op) => send(op, fixture.team.reader),
      403,
      "forbidden",
    );
  });

  it("should answer 403 to a writer on every admin route, and to a team admin on deployment routes", async () => {
    await matrix(
      (op) => op.role === "admin" || op.role === "superadmin",
      (op) => send(op, fixture.team.writer),
      403,
      "forbidden",
    );
    await matrix(
      (op) => op.role === "superadmin",
      (op) => send(op, fixture.team.admin),
      403,
      "forbidden",
    );
  });

  it("should let a reader read every read route of its own team", async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.role === "reader" && o.method === "GET")) {
      const answer = await send(op, fixture.team.reader);
      // Past authorisation: anything but 401/403/404/5xx (a route with a required query may answer 400).
      if ([401, 403, 404].includes(answer.status) || answer.status >= 500)
        failures.push(`${op.method} ${op.path} → ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    // The deployment admin token is not bound to a team but may read any (it creates them).
    expect(
      (await send({ method: "GET", path: "/teams/{team}/projects", role: "reader" }, ADMIN_TOKEN)).status,
    ).toBe(200);
  });
});
