import { describe, expect, it } from "vitest";
import { callApi, newTeam, server } from "./support/server.ts";

describe("GET /api/v1/health (local server harness)", () => {
  it("should serve a seeded local team and accept the admin token", async () => {
    const { url, apiKey } = server();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await callApi("GET", "/health");
    expect(health).toEqual({ ok: true });
    const local = await callApi<{ projects: { name: string }[] }>("GET", "/teams/local/projects", {
      key: apiKey,
    });
    expect(local.projects.map((p) => p.name)).toContain("default");
    const t = await newTeam();
    const whoami = await callApi("GET", "/whoami", { key: t.writer });
    expect(whoami).toMatchObject({ team: t.team, role: "writer" });
  });

  it("should refuse a request without a key", async () => {
    const body = await callApi("GET", "/teams/local/projects", { status: 401 });
    expect(body).toMatchObject({ error: { code: "unauthorized" } });
  });
});
