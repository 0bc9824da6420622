/** @module Projects of a team. Mounted under /teams/:team. */
import { Hono } from "hono";
import { createProjectBody } from "../../shared/api.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { createProject, listProjects, requireProject } from "../domain/teams.ts";
import { readJson } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const projectRoutes = new Hono<AppEnv>();

documentRoute({
  method: "post",
  path: "/teams/{team}/projects",
  summary: "Create a project",
  body: createProjectBody,
  role: "writer",
});
projectRoutes.post("/", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, createProjectBody);
  const project = await createProject(createDb(c.env.DB), c.get("team").teamId, body.name, body.description);
  return c.json({ project }, 201);
});

documentRoute({ method: "get", path: "/teams/{team}/projects", summary: "List projects" });
projectRoutes.get("/", async (c) => {
  return c.json({ projects: await listProjects(createDb(c.env.DB), c.get("team").teamId) });
});

documentRoute({ method: "get", path: "/teams/{team}/projects/{project}", summary: "Get a project" });
projectRoutes.get("/:project", async (c) => {
  return c.json({
    project: await requireProject(createDb(c.env.DB), c.get("team").teamId, c.req.param("project")),
  });
});
