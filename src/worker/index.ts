/** @module The Worker's entry: the fetch and scheduled handlers, and the Durable Object classes it exports. */
import { createApp } from "./app.ts";
import { cleanupExpiredUploads, cleanupGraceMs } from "./domain/upload-cleanup.ts";

export { ArtifactObject } from "./do/artifact-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  /** The cron trigger in wrangler.toml: clean up expired uploads, one bounded batch per run. */
  async scheduled(controller, env) {
    const result = await cleanupExpiredUploads(
      { db: env.DB, bucket: env.BLOBS },
      { now: Date.now(), graceMs: cleanupGraceMs(env) },
    );
    console.log(JSON.stringify({ at: "upload-cleanup", cron: controller.cron, ...result }));
  },
} satisfies ExportedHandler<Env>;
