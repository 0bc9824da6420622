import { describe, expect, it } from "vitest";
import { call, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, ref, refs } from "./version-helpers.ts";

function diffPath(t: TestTeam, query: string) {
  return `${artifactsPath(t, "data")}/diff?${query}`;
}

describe("GET /api/v1/teams/:team/projects/:project/artifacts/:name/diff", () => {
  it("should report added, removed and changed entries, reading only differing pages", async () => {
    const t = await newTeam();
    const base = refs(4000, "f");
    await commitEntries(t, "data", base);
    const next = base.filter((entry) => entry.path !== "f/001000.txt");
    next.push(ref("f/003000a.txt", "new"));
    const index = next.findIndex((entry) => entry.path === "f/002000.txt");
    next[index] = ref("f/002000.txt", "changed");
    await commitEntries(t, "data", next);
    const diff = await call("GET", diffPath(t, "from=v0&to=v1"), { key: t.reader });
    expect(diff).toMatchObject({
      added: [ref("f/003000a.txt", "new")],
      removed: [ref("f/001000.txt")],
      changed: [{ path: "f/002000.txt", from: ref("f/002000.txt"), to: ref("f/002000.txt", "changed") }],
      nextCursor: null,
    });
    // Three changes touch at most three pages per side (plus a re-cut neighbour).
    expect(diff.pagesRead).toBeLessThanOrEqual(8);
    const reverse = await call("GET", diffPath(t, "from=v1&to=latest"), { key: t.reader });
    expect(reverse).toMatchObject({ added: [], removed: [], changed: [], pagesRead: 0 });
  });

  it("should page a large diff with a cursor", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(300, "a"));
    await commitEntries(t, "data", refs(300, "b"));
    const collected = { added: 0, removed: 0 };
    let cursor: string | null = null;
    let calls = 0;
    do {
      const query: string = `from=v0&to=v1&limit=100${cursor ? `&cursor=${cursor}` : ""}`;
      const page: any = await call("GET", diffPath(t, query), { key: t.reader });
      expect(page.added.length + page.removed.length + page.changed.length).toBeLessThanOrEqual(100);
      collected.added += page.added.length;
      collected.removed += page.removed.length;
      cursor = page.nextCursor;
      calls++;
    } while (cursor && calls < 20);
    expect(collected).toEqual({ added: 300, removed: 300 });
    expect(calls).toBe(6);
  });

  it("should answer 400 without from/to and 404 for an unknown version or another team", async () => {
    const t = await newTeam();
    const other = await newTeam();
    await commitEntries(t, "data", refs(2));
    const missing = await call("GET", diffPath(t, "from=v0"), { key: t.reader, status: 400 });
    expect(missing).toMatchObject({ error: { code: "validation_failed" } });
    const unknown = await call("GET", diffPath(t, "from=v0&to=v3"), { key: t.reader, status: 404 });
    expect(unknown).toMatchObject({ error: { code: "not_found", message: "version 'v3' not found" } });
    await call("GET", diffPath(t, "from=v0&to=v0"), { key: other.reader, status: 404 });
  });
});
