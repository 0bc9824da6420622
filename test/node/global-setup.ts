/**
 * @module vitest globalSetup for the Node tests: one real `wrangler dev` (fresh state in a temp dir) for
 * the whole run, handed to tests through `inject("cairn")`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalServer } from "../../scripts/local-server.ts";

export interface CairnTestServer {
  url: string;
  apiKey: string;
  adminToken: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    cairn: CairnTestServer;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const persistDir = mkdtempSync(path.join(tmpdir(), "cairn-test-"));
  const server = await startLocalServer({ persistDir });
  project.provide("cairn", { url: server.url, apiKey: server.apiKey, adminToken: server.adminToken });
  return async () => {
    await server.stop();
    // Keep the state (and wrangler.log) when asked, for a post-mortem.
    if (!process.env.CAIRN_KEEP_TEST_STATE) rmSync(persistDir, { recursive: true, force: true });
  };
}
