/**
 * @module The web UI router, mounted at `/` after the API: static assets, sign-in/out, the session guard
 * for team pages (`/t/:team/...`), HTML error pages, and the page routers.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { codeToStatus } from "../../shared/errors.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { findActiveKey } from "../domain/teams.ts";
import { ApiError } from "../errors.ts";
import { WebApiError } from "./api-client.ts";
import { type PageStatus, peekSession, rememberSession, render } from "./context.ts";
import { readFormFields, readSessionForm } from "./form.ts";
import { artifactPages } from "./pages/artifact-routes.tsx";
import { ErrorPage } from "./pages/errors.tsx";
import { LoginPage } from "./pages/login.tsx";
import { projectPages } from "./pages/project-routes.tsx";
import { versionPages } from "./pages/version-routes.tsx";
import { JS, JS_HASH } from "./script.ts";
import {
  CSRF_FIELD,
  endSession,
  LOGIN_CSRF_COOKIE,
  loginCsrf,
  loginCsrfMatches,
  originAllowed,
  readSession,
  securityHeaders,
  startSession,
} from "./session.ts";
import { CSS, CSS_HASH } from "./styles.ts";

export const webRoutes = new Hono<AppEnv>();

const LONG_CACHE = "public, max-age=31536000, immutable";

/** `/api` and everything under it belong to the API, whose errors stay JSON; every other path is the web UI's. */
function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

// Mounted at `/`, these also see API requests that no API route answered: those pass through untouched.
webRoutes.use("*", (c, next) => (isApiPath(c.req.path) ? next() : securityHeaders(c, next)));
webRoutes.use("*", async (c, next) => {
  if (isApiPath(c.req.path)) return next();
  const started = performance.now();
  await next();
  c.header("server-timing", `app;dur=${(performance.now() - started).toFixed(1)}`, { append: true });
});

function asset(body: string, type: string, hash: string) {
  return (c: Context<AppEnv>) =>
    c.body(body, 200, {
      "content-type": type,
      // The URL carries the content hash, so a changed file is a new URL and the old one may live forever.
      "cache-control": c.req.query("v") === hash ? LONG_CACHE : "public, max-age=300",
      "x-content-type-options": "nosniff",
    });
}

webRoutes.get("/static/cairn.css", asset(CSS, "text/css; charset=utf-8", CSS_HASH));
webRoutes.get("/static/cairn.js", asset(JS, "text/javascript; charset=utf-8", JS_HASH));

webRoutes.get("/", async (c) => {
  const session = await readSession(c);
  return c.redirect(session ? `/t/${encodeURIComponent(session.team)}` : "/login", 303);
});

function nextTarget(value: string | undefined): string {
  return value && /^\/t\/[^/\\]/.test(value) ? value : "";
}

webRoutes.get("/login", async (c) => {
  const csrf = loginCsrf(c);
  return render(c, <LoginPage csrf={csrf} next={nextTarget(c.req.query("next"))} />);
});

webRoutes.post("/login", async (c) => {
  if (!originAllowed(c)) throw new ApiError("forbidden", "cross-origin sign-in is refused");
  const fields = await readFormFields(c);
  if (!loginCsrfMatches(c, fields[CSRF_FIELD] ?? "")) {
    throw new ApiError("forbidden", "the sign-in form expired; reload the page and retry");
  }
  const secret = (fields.key ?? "").trim();
  // The same check the API makes for a Bearer key.
  const key = secret ? await findActiveKey(createDb(c.env.DB), secret) : undefined;
  if (!key) {
    const csrf = loginCsrf(c);
    return render(
      c,
      <LoginPage csrf={csrf} next={nextTarget(fields.next)} error="That key is unknown or revoked." />,
      401,
    );
  }
  await startSession(c, secret);
  c.header("set-cookie", `${LOGIN_CSRF_COOKIE}=; Max-Age=0; Path=/`, { append: true });
  return c.redirect(nextTarget(fields.next) || `/t/${encodeURIComponent(key.teamName)}`, 303);
});

webRoutes.post("/logout", async (c) => {
  const session = await readSession(c);
  // Signing out of a live session is a write like any other: same origin and CSRF checks.
  if (session) await readSessionForm(c, session, z.object({}));
  endSession(c);
  return c.redirect("/login", 303);
});

/**
 * Every team page needs a live session of that team. Another team's pages answer 404, exactly like the
 * API, so a page never tells whether a team exists.
 */
webRoutes.use("/t/:team/*", async (c, next) => {
  const session = await readSession(c);
  if (!session) {
    if (c.req.method === "GET") {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    throw new ApiError("unauthorized", "sign in first");
  }
  rememberSession(c, session);
  if (c.req.param("team") !== session.team) throw new ApiError("not_found", "page not found");
  return next();
});

webRoutes.route("/", projectPages);
webRoutes.route("/", versionPages);
webRoutes.route("/", artifactPages);

// Whatever the pages did not answer is the HTML 404 page (`/t`, `/t/`, `/nope`…); unknown API paths fall
// through to the app's JSON 404.
webRoutes.all("*", (c, next) => {
  if (isApiPath(c.req.path)) return next();
  throw new ApiError("not_found", "page not found");
});

const TITLES: Partial<Record<number, string>> = {
  400: "Bad request",
  401: "Sign in first",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  415: "Unsupported form",
  422: "Not possible",
};

webRoutes.onError((err, c) => {
  const session = peekSession(c);
  let status: PageStatus = 500;
  let message = "Something went wrong; the request id identifies it in the server logs.";
  if (err instanceof ApiError) {
    status = codeToStatus(err.code);
    message = err.message;
  } else if (err instanceof WebApiError) {
    status = (TITLES[err.status] ? err.status : 500) as PageStatus;
    message = status === 500 ? message : err.message;
  } else {
    console.error(JSON.stringify({ requestId: c.get("requestId"), error: String(err), stack: err.stack }));
  }
  return render(
    c,
    <ErrorPage
      session={session}
      status={status}
      title={TITLES[status] ?? "Error"}
      message={message}
      requestId={c.get("requestId")}
      back={session ? `/t/${encodeURIComponent(session.team)}` : "/login"}
    />,
    status,
  );
});
