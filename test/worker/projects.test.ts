import { describe, expect, it } from "vitest";
import { api, call, newTeam } from "./helpers.ts";

describe("POST /api/v1/teams/:team/projects", () => {
  it("should create, list and get projects", async () => {
    const t = await newTeam();
    await call("POST", `/teams/${t.team}/projects`, { key: t.writer, body: { name: "vision" }, status: 201 });
    const list = await call("GET", `/teams/${t.team}/projects`, { key: t.reader });
    expect(list.projects.map((p: { name: string }) => p.name)).toEqual(["p", "vision"]);
    const one = await call("GET", `/teams/${t.team}/projects/vision`, { key: t.reader });
    expect(one.project).toMatchObject({ name: "vision" });
  });

  it("should refuse a reader, a bad name and a duplicate", async () => {
    const t = await newTeam();
    const reader = await call("POST", `/teams/${t.team}/projects`, {
      key: t.reader,
      body: { name: "x" },
      status: 403,
    });
    expect(reader.error).toMatchObject({ code: "forbidden" });
    const bad = await call("POST", `/teams/${t.team}/projects`, {
      key: t.writer,
      body: { name: "../x" },
      status: 400,
    });
    expect(bad.error).toMatchObject({ code: "validation_failed" });
    await call("POST", `/teams/${t.team}/projects`, { key: t.writer, body: { name: "p" }, status: 409 });
  });

  it("should answer 404 for another team's project, revealing nothing", async () => {
    const a = await newTeam();
    const b = await newTeam();
    const res = await api("GET", `/teams/${a.team}/projects/p`, { key: b.admin });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).not.toContain("p'");
  });

  it("should reject malformed JSON and a wrong content type", async () => {
    const t = await newTeam();
    const res = await api("POST", `/teams/${t.team}/projects`, { key: t.writer, body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_json" } });
    const wrongType = await api("POST", `/teams/${t.team}/projects`, {
      key: t.writer,
      body: '{"name":"x"}',
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
  });
});
