/** @module The Hono application: middleware order, routers, error handling. */
import { Hono } from "hono";
import { authenticate, scopeTeam } from "./auth/middleware.ts";
import type { AppEnv } from "./context.ts";
import { errorBody, handleError } from "./errors.ts";
import { openApiDocument } from "./openapi.ts";
import { adminRoutes, keyRoutes } from "./routes/admin.ts";
import { artifactAliasRoutes } from "./routes/artifact-aliases.ts";
import { artifactDraftRoutes } from "./routes/artifact-drafts.ts";
import { artifactFileRoutes } from "./routes/artifact-files.ts";
import { artifactRoutes } from "./routes/artifacts.ts";
import { blobRoutes } from "./routes/blobs.ts";
import { deploymentFsckRoutes, teamFsckRoutes } from "./routes/fsck.ts";
import { lineageRoutes } from "./routes/lineage.ts";
import { pageRoutes } from "./routes/pages.ts";
import { projectRoutes } from "./routes/projects.ts";
import { runRoutes } from "./routes/runs.ts";
import { webRoutes } from "./web/routes.tsx";

export function createApp() {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    c.header("x-request-id", requestId);
  });
  app.onError(handleError);
  app.notFound((c) => c.json(errorBody(c, "not_found", `no route for ${c.req.method} ${c.req.path}`), 404));

  app.get("/api/v1/health", (c) => c.json({ ok: true }));
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument()));

  const team = new Hono<AppEnv>();
  team.use("*", scopeTeam);
  team.route("/keys", keyRoutes);
  team.route("/blobs", blobRoutes);
  team.route("/pages", pageRoutes);
  team.route("/projects/:project/artifacts", lineageRoutes);
  team.route("/projects/:project/artifacts", artifactRoutes);
  team.route("/projects/:project/artifacts", artifactFileRoutes);
  team.route("/projects/:project/artifacts", artifactAliasRoutes);
  team.route("/projects/:project/artifacts", artifactDraftRoutes);
  team.route("/projects/:project/runs", runRoutes);
  team.route("/projects", projectRoutes);
  team.route("/admin", teamFsckRoutes);

  const api = new Hono<AppEnv>();
  api.use("*", authenticate);
  api.route("/", adminRoutes);
  api.route("/admin", deploymentFsckRoutes);
  api.route("/teams/:team", team);

  app.route("/api/v1", api);
  app.route("/", webRoutes);
  return app;
}
