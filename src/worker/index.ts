/** @module The Worker's entry: the fetch handler and the Durable Object classes it exports. */
import { createApp } from "./app.ts";

export { ArtifactObject } from "./do/artifact-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
