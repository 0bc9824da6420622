import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashFile } from "../../src/sdk/checksum-cache.ts";
import { Client } from "../../src/sdk/client.ts";
import { Api, Artifact } from "../../src/sdk/index.ts";
import { planManifest, sendPages } from "../../src/sdk/upload/pages.ts";
import { cairnEnv, writeTree } from "./support/cairn-env.ts";

// logArtifact commits straight away when the server already stores every page of the manifest (an
// unchanged re-log: no blob round trips). A page can be stored while its blobs are not verified (a
// commit that failed after its pages went up); then the server says blob_missing and the SDK must
// fall back to uploading the blobs, never commit without them.
describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/versions (SDK commit shortcut)", () => {
  it("should upload the blobs when every page is stored but its blobs were never uploaded", async () => {
    const { dir, env } = await cairnEnv();
    const files = { "a.txt": "alpha", "b/c.bin": 4096, "b/d.bin": 70_000 };
    const data = path.join(dir, "ds");
    writeTree(data, files);
    const entries = await Promise.all(
      Object.keys(files).map(async (name) => ({ path: name, ...(await hashFile(path.join(data, name))) })),
    );

    const client = await Client.connect({ env });
    const before = await planManifest(client, entries);
    expect(before.missing.length).toBeGreaterThan(0);
    await sendPages(client, before.missing);
    expect((await planManifest(client, entries)).missing).toEqual([]);

    const api = new Api({ env });
    const logged = await api.logArtifact(new Artifact({ name: "shortcut", type: "dataset" }).addDir(data));
    expect(logged).toMatchObject({ created: true, files: 3, uploadedBytes: 5 + 4096 + 70_000 });

    const again = await api.logArtifact(new Artifact({ name: "shortcut", type: "dataset" }).addDir(data));
    expect(again).toMatchObject({ created: false, uploadedBytes: 0, uploadedFiles: 0 });
    expect(again.version.version).toBe(logged.version.version);
  });
});
