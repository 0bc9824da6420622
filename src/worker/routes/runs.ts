/** @module Runs of a project. Mounted under /teams/:team/projects/:project/runs. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { createRunBody, pageQuery, RUN_STATUSES, updateRunBody, useArtifactBody } from "../../shared/api.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { runInputsAndOutputs, useArtifact } from "../domain/run-edges.ts";
import {
  createRun,
  finishRun,
  heartbeatRun,
  listRuns,
  requireRun,
  runView,
  updateRun,
} from "../domain/runs.ts";
import { requireProject } from "../domain/teams.ts";
import { readJson, readQuery } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const runRoutes = new Hono<AppEnv>();

const listRunsQuery = pageQuery.extend({ status: z.enum(RUN_STATUSES).optional() });
const finishRunBody = z.object({ status: z.enum(["finished", "failed", "crashed"]).default("finished") });
const RUN = "/teams/{team}/projects/{project}/runs";

/** The project named in the path, as the scope every run query is bound to. */
async function projectScope(c: Context<AppEnv>, name: string) {
  const team = c.get("team");
  const project = await requireProject(createDb(c.env.DB), team.teamId, name);
  return { teamId: team.teamId, teamName: team.teamName, projectId: project.id, projectName: project.name };
}

documentRoute({ method: "post", path: RUN, summary: "Start a run", body: createRunBody, role: "writer" });
runRoutes.post("/", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, createRunBody);
  const scope = await projectScope(c, c.req.param("project") ?? "");
  return c.json({ run: await createRun(createDb(c.env.DB), scope, body) }, 201);
});

documentRoute({ method: "get", path: RUN, summary: "List runs, newest first", query: listRunsQuery });
runRoutes.get("/", async (c) => {
  const query = readQuery(c, listRunsQuery);
  const scope = await projectScope(c, c.req.param("project") ?? "");
  return c.json(await listRuns(createDb(c.env.DB), scope, query));
});

documentRoute({ method: "get", path: `${RUN}/{id}`, summary: "Get a run with its inputs and outputs" });
runRoutes.get("/:id", async (c) => {
  const scope = await projectScope(c, c.req.param("project") ?? "");
  const row = await requireRun(createDb(c.env.DB), scope, c.req.param("id"));
  const io = await runInputsAndOutputs(c.env, scope, row.id);
  return c.json({ run: runView(row, scope.projectName), ...io });
});

documentRoute({
  method: "patch",
  path: `${RUN}/{id}`,
  summary: "Update a run's status or merge into its summary",
  body: updateRunBody,
  role: "writer",
});
runRoutes.patch("/:id", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, updateRunBody);
  const scope = await projectScope(c, c.req.param("project") ?? "");
  return c.json({ run: await updateRun(createDb(c.env.DB), scope, c.req.param("id"), body) });
});

documentRoute({ method: "post", path: `${RUN}/{id}/heartbeat`, summary: "Heartbeat", role: "writer" });
runRoutes.post("/:id/heartbeat", async (c) => {
  requireRole(c, "writer");
  const scope = await projectScope(c, c.req.param("project") ?? "");
  return c.json({ run: await heartbeatRun(createDb(c.env.DB), scope, c.req.param("id")) });
});

documentRoute({
  method: "post",
  path: `${RUN}/{id}/finish`,
  summary: "Close a run with a final status",
  body: finishRunBody,
  role: "writer",
});
runRoutes.post("/:id/finish", async (c) => {
  requireRole(c, "writer");
  // An empty body is allowed: it means "finished".
  const body = c.req.header("content-type") ? await readJson(c, finishRunBody) : finishRunBody.parse({});
  const scope = await projectScope(c, c.req.param("project") ?? "");
  return c.json({ run: await finishRun(createDb(c.env.DB), scope, c.req.param("id"), body.status) });
});

documentRoute({
  method: "post",
  path: `${RUN}/{id}/inputs`,
  summary: "Record that the run used a version (the one the reference names now)",
  body: useArtifactBody,
  role: "writer",
});
runRoutes.post("/:id/inputs", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, useArtifactBody);
  const scope = await projectScope(c, c.req.param("project") ?? "");
  return c.json({ version: await useArtifact(c.env, scope, c.req.param("id"), body.ref) });
});
