import { describe, expect, it } from "vitest";
import { call, newTeam, type TestTeam } from "./helpers.ts";
import { artifactsPath, commitEntries, ref, refs, verifiedBlob } from "./version-helpers.ts";
import { hiddenCsrf, signIn, web } from "./web-helpers.ts";

const XSS = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;

/** raw (run ingest) → clean (run prep uses raw) ; returns run ids. */
async function seedPipeline(t: TestTeam) {
  const runs = `/teams/${t.team}/projects/p/runs`;
  const ingest = await call("POST", runs, {
    key: t.writer,
    body: { name: "ingest", jobType: "ingest" },
    status: 201,
  });
  await commitEntries(t, "raw", [ref("a.csv"), ref("dir/b.txt"), ref("dir/sub/c.txt")], {
    runId: ingest.run.id,
    description: `# Raw\n\n${XSS}\n\n[bad](javascript:alert(1)) and [good](https://example.com)`,
    metadata: { [XSS]: XSS, nested: { rows: 3 } },
    aliases: ["best"],
  });
  await commitEntries(t, "raw", [ref("a.csv", "b"), ref("dir/b.txt")]);
  const prep = await call("POST", runs, {
    key: t.writer,
    body: { name: "prep", jobType: "prep" },
    status: 201,
  });
  await call("POST", `${runs}/${prep.run.id}/inputs`, { key: t.writer, body: { ref: "raw:v0" } });
  await call("POST", `${artifactsPath(t, "clean")}/versions`, {
    key: t.writer,
    body: { type: "features", entries: [ref("x.parquet")], runId: prep.run.id },
    status: 201,
  });
  return { ingest: ingest.run.id as string, prep: prep.run.id as string };
}

describe("GET /t/:team/:project (web pages)", () => {
  it("should walk project → artifact → version → files", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie } = await signIn(t.reader, t.team);

    const project = await (await web("GET", `/t/${t.team}/p`, { cookie })).text();
    expect(project).toContain(">dataset <");
    expect(project).toContain(">features <");
    expect(project).toContain(`href="/t/${t.team}/p/raw"`);
    expect(project).toContain(`href="/t/${t.team}/p/raw/v1"`);
    const filtered = await (await web("GET", `/t/${t.team}/p?q=cle`, { cookie })).text();
    expect(filtered).toContain(`href="/t/${t.team}/p/clean"`);
    expect(filtered).not.toContain(`href="/t/${t.team}/p/raw"`);

    const artifact = await (await web("GET", `/t/${t.team}/p/raw`, { cookie })).text();
    expect(artifact).toContain(`href="/t/${t.team}/p/raw/v0"`);
    expect(artifact).toContain(`href="/t/${t.team}/p/raw/-/diff?from=v0&amp;to=v1"`);

    const version = await web("GET", `/t/${t.team}/p/raw/best`, { cookie });
    expect(version.status).toBe(200);
    const html = await version.text();
    expect(html).toContain(`${t.team}/p/raw:v0`);
    // Folder tree at the root: one folder and one file.
    expect(html).toContain(`href="/t/${t.team}/p/raw/v0?prefix=dir%2F#files"`);
    expect(html).toContain(">a.csv<");
    const folder = await (await web("GET", `/t/${t.team}/p/raw/v0?prefix=dir%2F`, { cookie })).text();
    expect(folder).toContain(">b.txt<");
    expect(folder).toContain(`prefix=dir%2Fsub%2F`);
  });

  it("should render hostile descriptions and metadata inert", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie } = await signIn(t.reader, t.team);
    const html = await (await web("GET", `/t/${t.team}/p/raw/v0`, { cookie })).text();
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("javascript:");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer">good</a>');
    expect(html).toContain("<h3>Raw</h3>");
  });

  it("should draw the lineage graph with every node and edge", async () => {
    const t = await newTeam("wp");
    const ids = await seedPipeline(t);
    const { cookie } = await signIn(t.reader, t.team);
    const res = await web("GET", `/t/${t.team}/p/raw/v0/lineage?depth=3`, { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`href="/t/${t.team}/p/-/runs/${ids.ingest}"`);
    expect(html).toContain(`href="/t/${t.team}/p/-/runs/${ids.prep}"`);
    expect(html).toContain(`href="/t/${t.team}/p/clean/v0"`);
    expect(html.match(/<path class="edge /g)).toHaveLength(3);
    const run = await (await web("GET", `/t/${t.team}/p/-/runs/${ids.prep}`, { cookie })).text();
    expect(run).toContain("Inputs (used)");
    expect(run).toContain(`href="/t/${t.team}/p/raw/v0"`);
    expect(run).toContain(`href="/t/${t.team}/p/clean/v0"`);
  });

  it("should show the diff between two versions", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie } = await signIn(t.reader, t.team);
    const html = await (await web("GET", `/t/${t.team}/p/raw/-/diff?from=v0&to=v1`, { cookie })).text();
    expect(html).toContain("0 added");
    expect(html).toContain("1 removed");
    expect(html).toContain("1 changed");
    expect(html).toContain("dir/sub/c.txt");
  });

  it("should preview a small CSV blob as a table", async () => {
    const t = await newTeam("wp");
    const bytes = new TextEncoder().encode(`name,score\n"a, b",1\n${XSS},2\n`);
    const blob = await verifiedBlob(t, bytes);
    await commitEntries(t, "tables", [{ path: "t.csv", sha256: blob.sha256, size: blob.size }]);
    const { cookie } = await signIn(t.reader, t.team);
    const html = await (await web("GET", `/t/${t.team}/p/tables/v0/preview?path=t.csv`, { cookie })).text();
    expect(html).toContain("<th>name</th><th>score</th>");
    expect(html).toContain("<td>a, b</td>");
    expect(html).not.toContain("<img src=x");
  });
});

describe("POST /t/:team/:project/:artifact/-/aliases (web writer actions)", () => {
  it("should move an alias, and show a conflict for a move from a stale page", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie } = await signIn(t.writer, t.team);
    const page = await (await web("GET", `/t/${t.team}/p/raw`, { cookie })).text();
    const csrf = hiddenCsrf(page);
    expect(page).toContain('name="ifVersion" value="v0"');
    const moved = await web("POST", `/t/${t.team}/p/raw/-/aliases`, {
      cookie,
      form: {
        _csrf: csrf,
        action: "set",
        alias: "best",
        version: "v1",
        ifVersion: "v0",
        back: `/t/${t.team}/p/raw`,
      },
    });
    expect(moved.status).toBe(303);
    const aliases = await call("GET", `${artifactsPath(t, "raw")}/aliases`, { key: t.reader });
    expect(JSON.stringify(aliases)).toMatch(/"alias":"best","version":1/);
    // The same form again: the page said best → v0, but it is v1 now.
    const stale = await web("POST", `/t/${t.team}/p/raw/-/aliases`, {
      cookie,
      form: { _csrf: csrf, action: "set", alias: "best", version: "v0", ifVersion: "v0" },
    });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("changed since this page was loaded");
  });

  it("should add an alias only if it does not exist yet, and offer to move one created meanwhile", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie } = await signIn(t.writer, t.team);
    const here = `/t/${t.team}/p/raw/v1`;
    const page = await (await web("GET", here, { cookie })).text();
    const csrf = hiddenCsrf(page);
    expect(page).toContain('name="ifVersion" value="none"');
    const add = (alias: string) =>
      web("POST", `/t/${t.team}/p/raw/-/aliases`, {
        cookie,
        form: { _csrf: csrf, action: "set", alias, version: "v1", ifVersion: "none", back: here },
      });
    const fresh = await add("silver");
    expect(fresh.status).toBe(303);
    expect(fresh.headers.get("location")).toBe(here);
    // Someone else creates "gold" → v0 after the page was drawn; the page's add form must not move it.
    await call("PUT", `${artifactsPath(t, "raw")}/aliases/gold`, { key: t.writer, body: { version: "v0" } });
    const conflict = await add("gold");
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await conflict.text();
    expect(html).toContain("Alias not added");
    expect(html).toContain("already exists");
    expect(html).toContain(`href="/t/${t.team}/p/raw#aliases"`);
    // The offered move is itself a compare-and-swap on where the alias is now.
    expect(html).toContain('name="ifVersion" value="v0"');
    expect(html).toContain('name="version" value="v1"');
    let aliases = await call("GET", `${artifactsPath(t, "raw")}/aliases`, { key: t.reader });
    expect(JSON.stringify(aliases)).toMatch(/"alias":"gold","version":0/);
    expect(JSON.stringify(aliases)).toMatch(/"alias":"silver","version":1/);
    const moved = await web("POST", `/t/${t.team}/p/raw/-/aliases`, {
      cookie,
      form: { _csrf: csrf, action: "set", alias: "gold", version: "v1", ifVersion: "v0", back: here },
    });
    expect(moved.status).toBe(303);
    aliases = await call("GET", `${artifactsPath(t, "raw")}/aliases`, { key: t.reader });
    expect(JSON.stringify(aliases)).toMatch(/"alias":"gold","version":1/);
  });

  it("should edit the description and delete a version after confirmation", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie, csrf } = await signIn(t.writer, t.team);
    const edit = await web("POST", `/t/${t.team}/p/raw/v1/edit`, {
      cookie,
      form: { _csrf: csrf, description: "**new** text", tags: "gold, checked" },
    });
    expect(edit.status).toBe(303);
    const v1 = await call("GET", `${artifactsPath(t, "raw")}/versions/v1`, { key: t.reader });
    expect(v1.version).toMatchObject({ description: "**new** text", tags: ["gold", "checked"] });
    const confirm = await web("GET", `/t/${t.team}/p/raw/v1/delete`, { cookie });
    expect(await confirm.text()).toContain("Delete v1");
    const del = await web("POST", `/t/${t.team}/p/raw/v1/delete`, {
      cookie,
      form: { _csrf: csrf, confirm: "yes" },
    });
    expect(del.status).toBe(303);
    await call("GET", `${artifactsPath(t, "raw")}/versions/v1`, { key: t.reader, status: 404 });
  });

  it("should show a reader no write actions and refuse a reader's post", async () => {
    const t = await newTeam("wp");
    await seedPipeline(t);
    const { cookie, csrf } = await signIn(t.reader, t.team);
    for (const path of [`/t/${t.team}/p/raw`, `/t/${t.team}/p/raw/v0`]) {
      const html = await (await web("GET", path, { cookie })).text();
      expect(html, path).not.toContain('method="post" action="/t/');
    }
    const post = await web("POST", `/t/${t.team}/p/raw/-/aliases`, {
      cookie,
      form: { _csrf: csrf, action: "set", alias: "best", version: "v1" },
    });
    expect(post.status).toBe(403);
    const del = await web("POST", `/t/${t.team}/p/raw/v0/delete`, {
      cookie,
      form: { _csrf: csrf, confirm: "yes" },
    });
    expect(del.status).toBe(403);
    await call("GET", `${artifactsPath(t, "raw")}/versions/v0`, { key: t.reader });
  });

  it("should page a large version's files without reading the whole manifest", async () => {
    const t = await newTeam("wp");
    await commitEntries(t, "big", refs(5000, "data"));
    const { cookie } = await signIn(t.reader, t.team);
    const res = await web("GET", `/t/${t.team}/p/big/v0?prefix=data%2F`, { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/<tr class="file">/g)).toHaveLength(300);
    expect(html).toContain("next page");
    // 300 of 5,000 entries: a handful of the ~40 manifest pages were read.
    expect(Number(res.headers.get("x-cairn-pages-read"))).toBeLessThanOrEqual(10);
  });

  it("should list every sub-folder of a large folder by jumping over each one", async () => {
    const t = await newTeam("wp");
    const entries = [];
    for (let shard = 0; shard < 40; shard++) entries.push(...refs(100, `s${String(shard).padStart(2, "0")}`));
    entries.push(ref("README.md"));
    await commitEntries(t, "sharded", entries);
    const { cookie } = await signIn(t.reader, t.team);
    const res = await web("GET", `/t/${t.team}/p/sharded/v0`, { cookie });
    const html = await res.text();
    expect(html.match(/<tr class="folder">/g)).toHaveLength(40);
    expect(html.match(/<tr class="file">/g)).toHaveLength(1);
    expect(html).toContain(">README.md<");
    expect(html).not.toContain("next page");
    const next = await web("GET", `/t/${t.team}/p/sharded/v0?prefix=s07%2F`, { cookie });
    expect((await next.text()).match(/<tr class="file">/g)).toHaveLength(100);
  });

  it("should continue a folder of 350 sub-folders on a next page without losing any", async () => {
    const t = await newTeam("wp");
    const entries = [];
    for (let i = 0; i < 350; i++) entries.push(...refs(3, `d${String(i).padStart(3, "0")}`));
    await commitEntries(t, "many", entries);
    const { cookie } = await signIn(t.reader, t.team);
    const seen = new Set<string>();
    let url: string | null = `/t/${t.team}/p/many/v0`;
    let screens = 0;
    while (url && screens < 5) {
      const html: string = await (await web("GET", url, { cookie })).text();
      for (const m of html.matchAll(/prefix=(d\d{3})%2F#files">/g)) seen.add(m[1] ?? "");
      const next: string | undefined = /href="([^"]+)">next page/.exec(html)?.[1];
      url = next ? next.replace(/&amp;/g, "&") : null;
      screens++;
    }
    expect(screens).toBe(2);
    expect(seen.size).toBe(350);
  });
});
