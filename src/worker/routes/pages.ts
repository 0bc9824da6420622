/** @module Manifest pages of a team: which are missing, and uploading them. Mounted under /teams/:team/pages. */
import { Hono } from "hono";
import { preparePagesBody, uploadPagesBody } from "../../shared/api.ts";
import { canonicalPage, leafPageProblem, makeLeafPage, sha256Hex } from "../../shared/manifest.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { missingPages, storePages } from "../domain/manifests.ts";
import { ApiError } from "../errors.ts";
import { LARGE_BODY_LIMIT, readJson } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const pageRoutes = new Hono<AppEnv>();

documentRoute({
  method: "post",
  path: "/teams/{team}/pages/prepare",
  summary: "Which of these leaf page digests the team does not have yet",
  body: preparePagesBody,
  role: "writer",
});
pageRoutes.post("/prepare", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, preparePagesBody, LARGE_BODY_LIMIT);
  return c.json({ missing: await missingPages(c.env.DB, c.get("team").teamId, body.digests) });
});

documentRoute({
  method: "post",
  path: "/teams/{team}/pages",
  summary: "Upload leaf pages; each is re-checked and its digest recomputed, and one bad page refuses all",
  body: uploadPagesBody,
  role: "writer",
});
pageRoutes.post("/", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, uploadPagesBody, LARGE_BODY_LIMIT);
  const pages = body.pages.map(({ digest, entries }, index) => {
    const problem = leafPageProblem(entries);
    if (problem) {
      throw new ApiError("validation_failed", `page ${index} (${digest}): ${problem}`, {
        page: digest,
        index,
      });
    }
    const actual = sha256Hex(canonicalPage(entries));
    if (actual !== digest) {
      throw new ApiError(
        "digest_mismatch",
        `page ${index} has digest ${actual}, not ${digest}: compute it over the canonical page text`,
        { page: digest, index, actual },
      );
    }
    return makeLeafPage(entries);
  });
  // Blobs are checked at commit time; until then a page is only text.
  await storePages(c.env.DB, c.get("team").teamId, pages, false);
  return c.json({ stored: pages.length }, 201);
});
