/**
 * Browser tests of the web UI: Debian's Chromium driven by playwright-core against the real local server
 * (test/node/global-setup.ts). Screenshots land in test-output/screenshots/ (gitignored).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cutLeafPages, type ManifestEntry, sortEntries } from "../../src/shared/manifest.ts";
import { type LineageEdge, type LineageNode, lineageSvg } from "../../src/worker/web/lineage-svg.ts";
import { callApi, type NodeTestTeam, newTeam, server } from "./support/server.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.resolve(import.meta.dirname, "../../test-output/screenshots");
const XSS = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;
const BIG_FILES = 100_000;

let browser: Browser;
let team: NodeTestTeam;
const runIds: Record<string, string> = {};
const dialogs: string[] = [];

function refEntry(p: string, tag = "a"): ManifestEntry {
  return { path: p, ref: `https://example.com/${tag}/${encodeURIComponent(p)}`, size: 1000 + p.length };
}

/** A three-stage pipeline (ingest → prep → train), logged through the HTTP API with reference entries. */
async function seed(t: NodeTestTeam): Promise<void> {
  const project = `/teams/${t.team}/projects/p`;
  const artifacts = `${project}/artifacts`;
  await callApi("POST", `/teams/${t.team}/projects`, {
    key: t.writer,
    body: { name: "xss", description: XSS },
    status: 201,
  });
  const startRun = async (name: string, jobType: string, config: Record<string, unknown> = {}) => {
    const res = await callApi<{ run: { id: string } }>("POST", `${project}/runs`, {
      key: t.writer,
      body: { name, jobType, config },
      status: 201,
    });
    return res.run.id;
  };
  runIds.ingest = await startRun("ingest", "ingest", { source: "s3://bucket/raw" });
  await callApi("POST", `${artifacts}/raw/versions`, {
    key: t.writer,
    body: {
      type: "dataset",
      runId: runIds.ingest,
      entries: [refEntry("train.csv"), refEntry("images/cat/001.png"), refEntry("images/dog/002.png")],
      description: `# Raw data\n\nCollected *nightly*. ${XSS}\n\n- [docs](https://example.com/docs)\n- [evil](javascript:alert(3))`,
      metadata: { rows: 3, [XSS]: XSS, source: { bucket: "raw", region: "auto" } },
    },
    status: 201,
  });
  await callApi("POST", `${project}/runs/${runIds.ingest}/finish`, { key: t.writer, body: {} });

  runIds.prep = await startRun(XSS, "prep", { [XSS]: XSS, normalise: true });
  await callApi("POST", `${project}/runs/${runIds.prep}/inputs`, {
    key: t.writer,
    body: { ref: "raw:latest" },
  });
  await callApi("POST", `${artifacts}/features/versions`, {
    key: t.writer,
    body: { type: "dataset", runId: runIds.prep, entries: [refEntry("features.parquet")] },
    status: 201,
  });

  runIds.train = await startRun("train", "train", { lr: 0.0003, epochs: 10 });
  await callApi("POST", `${project}/runs/${runIds.train}/inputs`, {
    key: t.writer,
    body: { ref: "features:latest" },
  });
  for (const tag of ["a", "b"]) {
    await callApi("POST", `${artifacts}/model/versions`, {
      key: t.writer,
      body: {
        type: "model",
        runId: runIds.train,
        entries: [refEntry("model.pt", tag)],
        aliases: tag === "a" ? ["best"] : [],
      },
      status: 201,
    });
  }
}

/** A 100,000-file version, sent as content-addressed pages (the way the SDK sends large manifests). */
async function seedBig(t: NodeTestTeam): Promise<void> {
  const entries: ManifestEntry[] = [];
  for (let i = 0; i < BIG_FILES; i++) {
    entries.push(
      refEntry(`shard-${String(i % 100).padStart(3, "0")}/item-${String(i).padStart(6, "0")}.bin`),
    );
  }
  const pages = cutLeafPages(sortEntries(entries));
  for (let i = 0; i < pages.length; i += 200) {
    await callApi("POST", `/teams/${t.team}/pages`, {
      key: t.writer,
      body: {
        pages: pages.slice(i, i + 200).map((page) => ({ digest: page.digest, entries: page.entries })),
      },
      status: 201,
    });
  }
  await callApi("POST", `/teams/${t.team}/projects/p/artifacts/big/versions`, {
    key: t.writer,
    body: { type: "dataset", pages: pages.map((page) => page.digest) },
    status: 201,
  });
}

async function signedIn(key: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${server().url}/login`);
  await page.fill("input[name=key]", key);
  await Promise.all([page.waitForURL(/\/t\//), page.click("button[type=submit]")]);
  await page.close();
  return context;
}

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const response = await page.goto(`${server().url}${url}`);
  expect(response?.status(), url).toBe(200);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  team = await newTeam("web");
  await seed(team);
  await seedBig(team);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe("GET /t/:team/... in a browser (web UI)", () => {
  it("should sign in and walk project → artifact → version → files → lineage", async () => {
    const context = await signedIn(team.writer);
    const base = `/t/${team.team}`;

    const login = await context.newPage();
    await login.goto(`${server().url}/login`);
    await shot(login, "01-login");

    const projects = await open(context, base);
    expect(await projects.locator("table a", { hasText: /^p$/ }).count()).toBe(1);
    await shot(projects, "02-projects");

    await Promise.all([projects.waitForURL(`**${base}/p`), projects.click("table a >> text=p")]);
    expect(await projects.locator("h2", { hasText: "dataset" }).count()).toBe(1);
    expect(await projects.locator("h2", { hasText: "model" }).count()).toBe(1);
    await shot(projects, "03-project");

    await Promise.all([projects.waitForURL(`**${base}/p/raw`), projects.click("a >> text=raw")]);
    await shot(projects, "04-artifact");

    await Promise.all([projects.waitForURL(`**${base}/p/raw/v0`), projects.click("td a >> text=v0")]);
    expect(await projects.locator("dd.mono").first().textContent()).toBe(`${team.team}/p/raw:v0`);
    expect(await projects.locator("#files tr.folder").count()).toBe(1);
    await shot(projects, "05-version");

    await Promise.all([projects.waitForURL(/prefix=images%2F/), projects.click("#files a >> text=images/")]);
    expect(await projects.locator("#files tr.folder").count()).toBe(2);
    await shot(projects, "06-files-folder");

    await Promise.all([projects.waitForURL(/\/lineage/), projects.click("a >> text=Lineage")]);
    await shot(projects, "07-lineage-raw");

    // The middle of the pipeline sees all three runs and all three versions.
    const lineage = await open(context, `${base}/p/features/v0/lineage?depth=5&direction=both`);
    const graph = await callApi<{ nodes: { id: string }[]; edges: { from: string; to: string }[] }>(
      "GET",
      `/teams/${team.team}/projects/p/artifacts/features/versions/v0/lineage?depth=5`,
      { key: team.reader },
    );
    // raw:v0, features:v0, model:v0, model:v1 and the three runs.
    expect(graph.nodes).toHaveLength(7);
    expect(graph.edges).toHaveLength(6);
    const drawnNodes = await lineage
      .locator("svg.lineage a.node")
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-node-id")));
    expect(drawnNodes.sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    const drawnEdges = await lineage
      .locator("svg.lineage path.edge")
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-edge")));
    expect(drawnEdges.sort()).toEqual(graph.edges.map((e) => `${e.from}->${e.to}`).sort());
    for (const runId of Object.values(runIds)) {
      expect(await lineage.locator(`svg.lineage a[href$="/-/runs/${runId}"]`).count()).toBe(1);
    }
    const svgWidth = Number(await lineage.locator("svg.lineage").getAttribute("width"));
    await lineage.setViewportSize({ width: svgWidth + 120, height: 700 });
    await shot(lineage, "08-lineage-features");

    const run = await open(context, `${base}/p/-/runs/${runIds.train}`);
    await shot(run, "09-run");
    const diff = await open(context, `${base}/p/model/-/diff?from=v0&to=v1`);
    expect(await diff.locator("td.changed").count()).toBe(1);
    await shot(diff, "10-diff");
    await context.close();
  });

  it("should move an alias, and show a conflict when the page was stale", async () => {
    const context = await signedIn(team.writer);
    const url = `/t/${team.team}/p/model`;
    const first = await open(context, url);
    const stale = await open(context, url);
    const row = first.locator('tr[data-alias="best"]');
    await row.locator("select[name=version]").selectOption("v1");
    await Promise.all([
      first.waitForLoadState("load"),
      row.getByRole("button", { name: "Move", exact: true }).click(),
    ]);
    await first.waitForURL(`**${url}`);
    expect(await first.locator('tr[data-alias="best"] td:nth-child(2)').textContent()).toBe("v1");
    await shot(first, "11-alias-moved");

    const staleRow = stale.locator('tr[data-alias="best"]');
    await staleRow.locator("select[name=version]").selectOption("v0");
    await staleRow.getByRole("button", { name: "Move", exact: true }).click();
    await stale.waitForLoadState("load");
    await expect
      .poll(() => stale.locator(".notice.error").textContent())
      .toContain("changed since this page was loaded");
    await shot(stale, "12-alias-conflict");
    const aliases = await callApi<{ aliases: { alias: string; version: number }[] }>(
      "GET",
      `/teams/${team.team}/projects/p/artifacts/model/aliases`,
      { key: team.reader },
    );
    expect(aliases.aliases.find((a) => a.alias === "best")?.version).toBe(1);
    await context.close();
  });

  it("should render hostile names, metadata, descriptions and links inert", async () => {
    const context = await signedIn(team.writer);
    const before = dialogs.length;
    for (const url of [
      `/t/${team.team}`,
      `/t/${team.team}/p/raw/v0`,
      `/t/${team.team}/p/-/runs/${runIds.prep}`,
      `/t/${team.team}/p/raw/v0/lineage?depth=3`,
    ]) {
      const page = await open(context, url);
      await page.waitForTimeout(200);
      expect(await page.locator('img[src="x"]').count(), url).toBe(0);
      expect(await page.locator("script:not([src])").count(), url).toBe(0);
      expect(await page.locator('a[href^="javascript:" i]').count(), url).toBe(0);
      if (url.endsWith("/v0")) {
        expect(await page.locator(".markdown").textContent()).toContain("<script>alert(2)</script>");
        expect(await page.locator(".markdown a", { hasText: "docs" }).getAttribute("href")).toBe(
          "https://example.com/docs",
        );
        expect(await page.locator("ul.tree").first().textContent()).toContain(XSS);
        await shot(page, "13-xss-version");
      }
      if (url.includes("/-/runs/")) {
        expect(await page.locator("h1").textContent()).toContain(XSS);
        await shot(page, "14-xss-run");
      }
    }
    expect(dialogs.slice(before)).toEqual([]);
    await context.close();
  });

  it("should show a reader no write actions and refuse forged posts", async () => {
    const context = await signedIn(team.reader);
    const page = await open(context, `/t/${team.team}/p/model`);
    expect(await page.locator("form[method=post]:not([action='/logout'])").count()).toBe(0);
    const version = await open(context, `/t/${team.team}/p/model/v0`);
    expect(await version.locator("form[method=post]:not([action='/logout'])").count()).toBe(0);
    expect(await version.locator("a", { hasText: "Delete" }).count()).toBe(0);
    await shot(version, "15-reader-version");
    const target = `${server().url}/t/${team.team}/p/model/-/aliases`;
    const noToken = await context.request.post(target, {
      form: { action: "set", alias: "best", version: "v0" },
      maxRedirects: 0,
    });
    expect(noToken.status()).toBe(403);
    const csrf = await page.locator("input[name=_csrf]").first().getAttribute("value");
    const wrongToken = await context.request.post(target, {
      form: { _csrf: `${csrf}x`, action: "set", alias: "best", version: "v0" },
      maxRedirects: 0,
    });
    expect(wrongToken.status()).toBe(403);
    // Even with the right token, a reader's key cannot write: the API refuses.
    const rightToken = await context.request.post(target, {
      form: { _csrf: csrf ?? "", action: "set", alias: "best", version: "v0" },
      maxRedirects: 0,
    });
    expect(rightToken.status()).toBe(403);
    await context.close();
  });

  it("should answer 404 for another team's pages", async () => {
    const context = await signedIn(team.writer);
    const page = await context.newPage();
    for (const url of ["/t/local", "/t/local/default", `/t/local/default/raw/v0`]) {
      const response = await page.goto(`${server().url}${url}`);
      expect(response?.status(), url).toBe(404);
    }
    await shot(page, "16-other-team-404");
    await context.close();
  });

  it("should answer the first page of a 100,000-file version quickly", async () => {
    const context = await signedIn(team.reader);
    const page = await context.newPage();
    const started = Date.now();
    const response = await page.goto(`${server().url}/t/${team.team}/p/big/v0`);
    const wall = Date.now() - started;
    expect(response?.status()).toBe(200);
    const timing = (await response?.headerValue("server-timing")) ?? "";
    const serverMs = Number(/app;dur=([\d.]+)/.exec(timing)?.[1]);
    console.log(
      `100,000-file version page: server ${serverMs} ms (Server-Timing: ${timing}), browser load ${wall} ms`,
    );
    expect(serverMs).toBeLessThan(3000);
    // The root shows the 100 shard folders of the first listing page, not 100,000 rows.
    expect(await page.locator("#files tr.folder").count()).toBeGreaterThan(0);
    expect(await page.locator("#files tr").count()).toBeLessThanOrEqual(301);
    await shot(page, "17-big-version");
    const folder = await page.goto(`${server().url}/t/${team.team}/p/big/v0?prefix=shard-042%2F`);
    const folderTiming = (await folder?.headerValue("server-timing")) ?? "";
    console.log(`100,000-file version, one folder: ${folderTiming}`);
    expect(await page.locator("#files tr.file").count()).toBe(300);
    await shot(page, "18-big-folder");
    await context.close();
  });

  it("should draw a 60-node lineage graph that stays readable", async () => {
    const nodes: LineageNode[] = [];
    const edges: LineageEdge[] = [];
    for (let i = 0; i < 20; i++) {
      nodes.push(
        {
          kind: "version",
          id: `in${i}`,
          ref: `t/p/shard-${i}:v0`,
          artifact: `shard-${i}`,
          project: "p",
          version: 0,
          type: "dataset",
          aliases: i === 0 ? ["latest"] : [],
        },
        {
          kind: "run",
          id: `r${i}`,
          runId: `r${i}`,
          name: `prep-${i}`,
          jobType: "prep",
          status: "finished",
          project: "p",
        },
        {
          kind: "version",
          id: `out${i}`,
          ref: `t/p/feat-${i}:v0`,
          artifact: `feat-${i}`,
          project: "p",
          version: 0,
          type: "features",
          aliases: [],
        },
      );
      edges.push(
        { from: `in${i}`, to: `r${i}`, kind: "input" },
        { from: `r${i}`, to: `out${i}`, kind: "output" },
      );
    }
    // Every feature set feeds one training run.
    nodes.push(
      {
        kind: "run",
        id: "train",
        runId: "train",
        name: "train",
        jobType: "train",
        status: "finished",
        project: "p",
      },
      {
        kind: "version",
        id: "model",
        ref: "t/p/model:v3",
        artifact: "model",
        project: "p",
        version: 3,
        type: "model",
        aliases: ["best"],
      },
    );
    for (let i = 0; i < 20; i++) edges.push({ from: `out${i}`, to: "train", kind: "input" });
    edges.push({ from: "train", to: "model", kind: "output" });
    const svg = lineageSvg({ nodes, edges }, { href: (n) => `/x/${n.id}` });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent(
      `<!doctype html><link rel="stylesheet" href="${server().url}/static/cairn.css"><div>${svg}</div>`,
    );
    expect(await page.locator("svg.lineage a.node").count()).toBe(62);
    expect(await page.locator("svg.lineage path.edge").count()).toBe(61);
    // Nodes never overlap: every pair of boxes is apart.
    const boxes = await page.locator("svg.lineage a.node").evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart, `${i} overlaps ${j}`).toBe(true);
      }
    }
    await shot(page, "21-lineage-60-nodes");
    await page.close();
  });

  it("should fit a phone screen", async () => {
    const context = await signedIn(team.writer, { width: 390, height: 844 });
    const page = await open(context, `/t/${team.team}/p/raw/v0`);
    const overflow = (await page.evaluate(
      "document.documentElement.scrollWidth - window.innerWidth",
    )) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "19-phone-version");
    const project = await open(context, `/t/${team.team}/p`);
    await shot(project, "20-phone-project");
    await context.close();
  });
});
