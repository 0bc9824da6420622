/** @module Drafts (incremental versions) of an artifact. Mounted under /teams/:team/projects/:project/artifacts. */
import { Hono } from "hono";
import { commitOptionsBody, createDraftBody, draftChangesBody } from "../../shared/api.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { addDraftChanges, commitDraft, createDraft, deleteDraft } from "../domain/drafts.ts";
import { versionView } from "../domain/versions.ts";
import { LARGE_BODY_LIMIT, readJson } from "../http.ts";
import { documentRoute } from "../openapi.ts";
import { scopeOf } from "./artifacts.ts";

export const artifactDraftRoutes = new Hono<AppEnv>();

const BASE = "/teams/{team}/projects/{project}/artifacts/{name}/drafts";

documentRoute({
  method: "post",
  path: BASE,
  summary: "Start a draft from a base version; with distributedId, runs share one draft",
  body: createDraftBody,
  role: "writer",
});
artifactDraftRoutes.post("/:name/drafts", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, createDraftBody);
  const draft = await createDraft(c.env, await scopeOf(c), body);
  return c.json({ draft }, 201);
});

documentRoute({
  method: "post",
  path: `${BASE}/{draftId}/changes`,
  summary: "Add, replace or remove paths in a draft (409 path_conflict when runs disagree)",
  body: draftChangesBody,
  role: "writer",
});
artifactDraftRoutes.post("/:name/drafts/:draftId/changes", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, draftChangesBody, LARGE_BODY_LIMIT);
  const result = await addDraftChanges(c.env, await scopeOf(c), c.req.param("draftId"), body);
  return c.json(result);
});

documentRoute({
  method: "post",
  path: `${BASE}/{draftId}/commit`,
  summary: "Commit a draft as a new version (only the pages its changes fall in are re-cut)",
  body: commitOptionsBody,
  role: "writer",
});
artifactDraftRoutes.post("/:name/drafts/:draftId/commit", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, commitOptionsBody);
  const { record, created, pagesRead, newPages } = await commitDraft(
    c.env,
    await scopeOf(c),
    c.req.param("draftId"),
    body,
  );
  return c.json(
    { version: versionView(record, c.get("team").teamName), created, pagesRead, newPages },
    created ? 201 : 200,
  );
});

documentRoute({ method: "delete", path: `${BASE}/{draftId}`, summary: "Discard a draft", role: "writer" });
artifactDraftRoutes.delete("/:name/drafts/:draftId", async (c) => {
  requireRole(c, "writer");
  await deleteDraft(c.env, await scopeOf(c), c.req.param("draftId"));
  return c.json({ deleted: true });
});
