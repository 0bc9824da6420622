import { describe, expect, it } from "vitest";
import { api, call, newTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, countRows, refs, teamId } from "./version-helpers.ts";

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (concurrent)", () => {
  it("should number 50 concurrent commits v0..v49 without gaps and point latest at v49", async () => {
    const t = await newTeam();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api("POST", `${artifactsPath(t, "data")}/versions`, {
          key: t.writer,
          body: { type: "dataset", entries: refs(3, `run-${i}`) },
        }),
      ),
    );
    const bodies = await Promise.all(responses.map((res) => res.json() as Promise<any>));
    expect(responses.map((res) => res.status)).toEqual(new Array(50).fill(201));
    const numbers = bodies.map((body) => body.version.version).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const latest = await call("GET", `${artifactsPath(t, "data")}/versions/latest`, { key: t.reader });
    expect(latest.version.version).toBe(49);
    const id = await teamId(t.team);
    expect(await countRows("versions", "team_id = ?", id)).toBe(50);
    expect(await countRows("artifacts", "team_id = ?", id)).toBe(1);
    const listed = await call("GET", artifactsPath(t, "data"), { key: t.reader });
    expect(listed.artifact).toMatchObject({ versionCount: 50, latest: { version: 49 } });
  });

  it("should let exactly one of 20 concurrent compare-and-swaps from the same version win", async () => {
    const t = await newTeam();
    for (let i = 0; i < 3; i++) await commitEntries(t, "data", refs(1, `v${i}`));
    await call("PUT", `${artifactsPath(t, "data")}/aliases/prod`, { key: t.writer, body: { version: "v0" } });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api("PUT", `${artifactsPath(t, "data")}/aliases/prod`, {
          key: t.writer,
          body: { version: i % 2 === 0 ? "v1" : "v2", ifVersion: "v0" },
        }),
      ),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const losers = await Promise.all(
      responses.filter((res) => res.status === 409).map((res) => res.json() as Promise<any>),
    );
    const winner = (await responses.find((res) => res.status === 200)?.json()) as any;
    for (const loser of losers) {
      expect(loser).toMatchObject({
        error: { code: "alias_conflict", details: { current: `v${winner.version}` } },
      });
    }
    const history = await call("GET", `${artifactsPath(t, "data")}/aliases/prod/history`, { key: t.reader });
    expect(history.history.map((row: any) => row.version)).toEqual([0, winner.version]);
  });

  it("should give created=false to concurrent commits of the same content and apply all their aliases", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(2, "base"));
    const responses = await Promise.all(
      ["a", "b", "c", "d"].map((alias) =>
        api("POST", `${artifactsPath(t, "data")}/versions`, {
          key: t.writer,
          body: { type: "dataset", entries: refs(5, "same"), aliases: [alias] },
        }),
      ),
    );
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 200, 200, 201]);
    const latest = await call("GET", `${artifactsPath(t, "data")}/versions/latest`, { key: t.reader });
    expect(latest.version).toMatchObject({ version: 1, aliases: ["a", "b", "c", "d", "latest"] });
  });
});
