/** @module Blob uploads of a team: prepare (present / presigned PUT / multipart plan), part URLs, complete. Mounted under /teams/:team/blobs. */
import type { Context } from "hono";
import { Hono } from "hono";
import { blobPartUrlsBody, completeBlobsBody, prepareBlobsBody } from "../../shared/api.ts";
import { requireRole } from "../auth/middleware.ts";
import type { AppEnv } from "../context.ts";
import { completeUploads } from "../domain/blob-complete.ts";
import { type BlobDeps, prepareBlobs, signPartUrls } from "../domain/blob-prepare.ts";
import { readJson } from "../http.ts";
import { documentRoute } from "../openapi.ts";

export const blobRoutes = new Hono<AppEnv>();

function deps(c: Context<AppEnv>): BlobDeps {
  return {
    db: c.env.DB,
    bucket: c.env.BLOBS,
    presign: { env: c.env, origin: new URL(c.req.url).origin },
  };
}

documentRoute({
  method: "post",
  path: "/teams/{team}/blobs/prepare",
  summary: "Say which blobs are present and hand out uploads (presigned PUT or multipart plan) for the rest",
  body: prepareBlobsBody,
  role: "writer",
});
blobRoutes.post("/prepare", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, prepareBlobsBody);
  const blobs = await prepareBlobs(deps(c), c.get("team").teamId, body.blobs, body.ttlSeconds);
  return c.json({ blobs });
});

documentRoute({
  method: "post",
  path: "/teams/{team}/blobs/part-urls",
  summary: "Presigned URLs for more parts of a multipart upload, or fresh ones after they expired",
  body: blobPartUrlsBody,
  role: "writer",
});
blobRoutes.post("/part-urls", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, blobPartUrlsBody);
  const signed = await signPartUrls(
    deps(c),
    c.get("team").teamId,
    body.uploadId,
    body.partNumbers,
    body.ttlSeconds,
  );
  return c.json(signed);
});

documentRoute({
  method: "post",
  path: "/teams/{team}/blobs/complete",
  summary: "Finish uploads and verify their size and sha256; only verified blobs count as present",
  body: completeBlobsBody,
  role: "writer",
});
blobRoutes.post("/complete", async (c) => {
  requireRole(c, "writer");
  const body = await readJson(c, completeBlobsBody);
  const results = await completeUploads(deps(c), c.get("team").teamId, body.uploads);
  return c.json({ results });
});
