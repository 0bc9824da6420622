import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CSS_PATH } from "../../src/worker/web/styles.ts";
import { newTeam } from "./helpers.ts";
import { cookiesOf, hiddenCsrf, ORIGIN, signIn, web } from "./web-helpers.ts";

describe("GET /login and POST /login (web session)", () => {
  it("should sign in with a valid key and set a safe cookie", async () => {
    const t = await newTeam("w");
    const form = await web("GET", "/login");
    expect(form.status).toBe(200);
    const html = await form.text();
    const csrf = hiddenCsrf(html);
    expect(csrf).not.toBe("");
    const res = await web("POST", "/login", {
      cookie: `cairn_login_csrf=${cookiesOf(form).cairn_login_csrf}`,
      form: { _csrf: csrf, key: t.reader, next: "" },
    });
    expect(res.status).toBe(303);
    const setCookie = res.headers.getSetCookie().find((line) => line.startsWith("cairn_session="));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    // The key itself never appears in the cookie: it is encrypted.
    expect(setCookie).not.toContain(t.reader);
  });

  it("should mark the cookie Secure on a non-loopback origin", async () => {
    const t = await newTeam("w");
    const form = await exports.default.fetch(new Request("https://cairn.example/login"));
    const csrf = hiddenCsrf(await form.text());
    const res = await exports.default.fetch(
      new Request("https://cairn.example/login", {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie: `cairn_login_csrf=${cookiesOf(form).cairn_login_csrf}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: csrf, key: t.reader }).toString(),
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((l) => l.startsWith("cairn_session="))).toMatch(/Secure/);
  });

  it("should refuse an unknown key, a missing login token and a foreign origin", async () => {
    const t = await newTeam("w");
    const form = await web("GET", "/login");
    const csrf = hiddenCsrf(await form.text());
    const cookie = `cairn_login_csrf=${cookiesOf(form).cairn_login_csrf}`;
    const unknown = await web("POST", "/login", { cookie, form: { _csrf: csrf, key: "cairn_nope" } });
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain("unknown or revoked");
    const noToken = await web("POST", "/login", { cookie, form: { key: t.reader } });
    expect(noToken.status).toBe(403);
    const foreign = await web("POST", "/login", {
      cookie,
      form: { _csrf: csrf, key: t.reader },
      headers: { origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.getSetCookie().some((l) => l.startsWith("cairn_session="))).toBe(false);
  });

  it("should redirect to the sign-in page without a session, and ignore a forged cookie", async () => {
    const t = await newTeam("w");
    const res = await web("GET", `/t/${t.team}/p`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/t/${t.team}/p`)}`);
    const forged = await web("GET", `/t/${t.team}/p`, {
      cookie: "cairn_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    });
    expect(forged.status).toBe(303);
  });

  it("should end the session when its key is revoked", async () => {
    const t = await newTeam("w");
    const { cookie } = await signIn(t.writer, t.team);
    const keys = await exports.default.fetch(
      new Request(`${ORIGIN}/api/v1/teams/${t.team}/keys`, {
        headers: { authorization: `Bearer ${t.admin}` },
      }),
    );
    const { keys: list } = (await keys.json()) as { keys: { id: string; name: string }[] };
    const writerKey = list.find((k) => k.name === "writer");
    await exports.default.fetch(
      new Request(`${ORIGIN}/api/v1/teams/${t.team}/keys/${writerKey?.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${t.admin}` },
      }),
    );
    const after = await web("GET", `/t/${t.team}`, { cookie });
    expect(after.status).toBe(303);
  });
});

describe("GET /t/:team (web pages)", () => {
  it("should send a strict CSP and no inline script on every page", async () => {
    const t = await newTeam("w");
    const { cookie } = await signIn(t.reader, t.team);
    for (const path of ["/login", `/t/${t.team}`, `/t/${t.team}/p`]) {
      const res = await web("GET", path, { cookie });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(res.headers.get("server-timing")).toMatch(/^app;dur=\d/);
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/style="/);
    }
  });

  it("should answer 404 for another team's pages, whether that team exists or not", async () => {
    const a = await newTeam("w");
    const b = await newTeam("w");
    const { cookie } = await signIn(b.admin, b.team);
    for (const path of [`/t/${a.team}`, `/t/${a.team}/p`, `/t/nobody-here/p`, `/t/${a.team}/p/x/v0`]) {
      const res = await web("GET", path, { cookie });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
    }
  });

  it("should answer unknown web paths with the HTML 404 page and unknown API paths with JSON", async () => {
    const t = await newTeam("w");
    const { cookie } = await signIn(t.writer, t.team);
    const unknown = ["/t", "/t/", "/nope", "/static/nope.css"];
    const cases = [
      ...unknown.map((path) => ({ path, cookie: undefined })),
      ...[...unknown, `/t/${t.team}/p/a/v0/x/y/z`].map((path) => ({ path, cookie })),
    ];
    for (const { path, cookie } of cases) {
      const res = await web("GET", path, { cookie });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'self'");
      expect(await res.text(), path).toContain("Not found");
    }
    const api = await web("GET", "/api/v1/nope", { headers: { authorization: `Bearer ${t.reader}` } });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toMatch(/^application\/json/);
    expect(api.headers.get("content-security-policy")).toBeNull();
    expect(await api.json()).toMatchObject({
      error: { code: "not_found", message: "no route for GET /api/v1/nope" },
    });
    // Without a key the API's own 401 answers first, still JSON.
    const anonymous = await web("GET", "/api/v1/nope");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("should serve the stylesheet and script with a long cache under their hashed URL", async () => {
    const css = await web("GET", CSS_PATH);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    expect(css.headers.get("cache-control")).toContain("immutable");
    const js = await web("GET", "/static/cairn.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
  });

  it("should refuse a sign-out and writer posts without the session's CSRF token", async () => {
    const t = await newTeam("w");
    const { cookie, csrf } = await signIn(t.writer, t.team);
    const forged = await web("POST", `/t/${t.team}/p/a/-/aliases`, {
      cookie,
      form: { action: "set", alias: "best", version: "v0" },
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("security token");
    const wrong = await web("POST", `/t/${t.team}/p/a/-/aliases`, {
      cookie,
      form: { _csrf: `${csrf}x`, action: "set", alias: "best", version: "v0" },
    });
    expect(wrong.status).toBe(403);
    const crossOrigin = await web("POST", `/t/${t.team}/p/a/-/aliases`, {
      cookie,
      form: { _csrf: csrf, action: "set", alias: "best", version: "v0" },
      headers: { origin: "https://evil.example" },
    });
    expect(crossOrigin.status).toBe(403);
    const logout = await web("POST", "/logout", { cookie, form: {} });
    expect(logout.status).toBe(403);
    const ok = await web("POST", "/logout", { cookie, form: { _csrf: csrf } });
    expect(ok.status).toBe(303);
    expect(ok.headers.getSetCookie().join(";")).toMatch(/cairn_session=;/);
  });

  it("should escape hostile project descriptions in the page", async () => {
    const t = await newTeam("w");
    const hostile = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;
    await exports.default.fetch(
      new Request(`${ORIGIN}/api/v1/teams/${t.team}/projects`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.writer}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "xss", description: hostile }),
      }),
    );
    const { cookie } = await signIn(t.reader, t.team);
    const html = await (await web("GET", `/t/${t.team}`, { cookie })).text();
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;");
    expect(html).not.toContain("<img src=x");
  });
});
