import { describe, expect, it } from "vitest";
import { cutLeafPages, type ManifestEntry, manifestDigest, sortEntries } from "../../src/shared/manifest.ts";
import { call, newTeam, type TestTeam } from "./helpers.ts";
import {
  artifactsPath,
  commitEntries,
  countRows,
  ref,
  refs,
  teamId,
  verifiedBlob,
} from "./version-helpers.ts";

function draftsPath(t: TestTeam, name = "data") {
  return `${artifactsPath(t, name)}/drafts`;
}

async function newDraft(t: TestTeam, body: Record<string, unknown>) {
  const res = await call("POST", draftsPath(t), {
    key: t.writer,
    body: { type: "dataset", ...body },
    status: 201,
  });
  return res.draft as { id: string; base: string | null; distributedId: string | null };
}

describe("POST /api/v1/teams/:team/projects/:project/artifacts/:name/drafts/:draftId/commit", () => {
  it("should apply one replace, one remove and one add to a 5,000-entry base exactly", async () => {
    const t = await newTeam();
    const base = refs(5000, "f");
    await commitEntries(t, "data", base);
    const blob = await verifiedBlob(t);
    const draft = await newDraft(t, { base: "latest" });
    expect(draft).toMatchObject({ base: "v0", distributedId: null });
    const replaced: ManifestEntry = { path: "f/002500.txt", sha256: blob.sha256, size: blob.size };
    const added = ref("f/002500a.txt", "new");
    const changeBody = { put: [replaced, added], remove: ["f/004000.txt"] };
    expect(changeBody.put.length + changeBody.remove.length).toBe(3);
    const accepted = await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: changeBody,
    });
    expect(accepted).toEqual({ accepted: 3 });
    const committed = await call("POST", `${draftsPath(t)}/${draft.id}/commit`, {
      key: t.writer,
      body: { aliases: ["incremental"], metadata: { step: 2 } },
      status: 201,
    });

    const expected = new Map(base.map((entry) => [entry.path, entry]));
    expected.set(replaced.path, replaced);
    expected.set(added.path, added);
    expected.delete("f/004000.txt");
    const want = cutLeafPages(sortEntries([...expected.values()]));
    expect(committed.version).toMatchObject({
      version: 1,
      files: 5000,
      digest: manifestDigest(want.map((page) => page.digest)),
      aliases: ["incremental", "latest"],
      metadata: { step: 2 },
    });
    // Only the pages the changes fall in were read and written.
    expect(committed.newPages).toBeLessThanOrEqual(4);
    expect(committed.pagesRead).toBeLessThanOrEqual(4);
    const pages = await call("GET", `${artifactsPath(t, "data")}/versions/v1/pages`, { key: t.reader });
    expect(pages.pages.map((page: any) => page.digest)).toEqual(want.map((page) => page.digest));
    const files = await call(
      "GET",
      `${artifactsPath(t, "data")}/versions/v1/files?prefix=f/0025&limit=1000`,
      {
        key: t.reader,
      },
    );
    expect(files.files.slice(0, 2)).toEqual([replaced, added]);
    // The draft is gone after the commit.
    expect(await countRows("drafts", "id = ?", draft.id)).toBe(0);
    expect(await countRows("draft_changes", "draft_id = ?", draft.id)).toBe(0);
  });

  it("should let two runs share a distributed draft and commit once", async () => {
    const t = await newTeam();
    const first = await newDraft(t, { distributedId: "shard-job" });
    const second = await newDraft(t, { distributedId: "shard-job" });
    expect(second.id).toBe(first.id);
    await call("POST", `${draftsPath(t)}/${first.id}/changes`, {
      key: t.writer,
      body: { put: refs(3, "a") },
    });
    await call("POST", `${draftsPath(t)}/${second.id}/changes`, {
      key: t.writer,
      body: { put: [...refs(2, "b"), ...refs(1, "a")] },
    });
    const committed = await call("POST", `${draftsPath(t)}/${first.id}/commit`, {
      key: t.writer,
      body: {},
      status: 201,
    });
    const want = cutLeafPages(sortEntries([...refs(3, "a"), ...refs(2, "b")]));
    expect(committed.version).toMatchObject({
      version: 0,
      files: 5,
      digest: manifestDigest(want.map((page) => page.digest)),
    });
  });

  it("should record every contributing run of a distributed draft as a producer of the version", async () => {
    const t = await newTeam();
    const runs = `/teams/${t.team}/projects/p/runs`;
    const shardA = (await call("POST", runs, { key: t.writer, body: { jobType: "shard" }, status: 201 })).run
      .id;
    const shardB = (await call("POST", runs, { key: t.writer, body: { jobType: "shard" }, status: 201 })).run
      .id;
    const finisher = (await call("POST", runs, { key: t.writer, body: { jobType: "merge" }, status: 201 }))
      .run.id;
    const draft = await newDraft(t, { distributedId: "sharded" });
    await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: { put: refs(2, "a"), runId: shardA },
    });
    await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: { put: refs(2, "b"), runId: shardB },
    });
    await call("POST", `${draftsPath(t)}/${draft.id}/commit`, {
      key: t.writer,
      body: { runId: finisher },
      status: 201,
    });
    for (const runId of [shardA, shardB, finisher]) {
      const run = await call("GET", `${runs}/${runId}`, { key: t.reader });
      expect(
        run.outputs.map((v: { ref: string }) => v.ref),
        runId,
      ).toEqual([`${t.team}/p/data:v0`]);
    }
  });

  it("should answer 409 path_conflict naming the path when runs disagree, and keep the first content", async () => {
    const t = await newTeam();
    const draft = await newDraft(t, { distributedId: "job" });
    await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: { put: [ref("x/1", "one")] },
    });
    const conflict = await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: { put: [ref("x/0", "fine"), ref("x/1", "two")] },
      status: 409,
    });
    expect(conflict).toMatchObject({
      error: { code: "path_conflict", details: { path: "x/1" } },
    });
    expect(conflict.error.message).toContain("'x/1'");
    // Nothing of the refused call was recorded.
    expect(await countRows("draft_changes", "draft_id = ?", draft.id)).toBe(1);
    const removal = await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: { remove: ["x/1"] },
      status: 409,
    });
    expect(removal).toMatchObject({ error: { code: "path_conflict", details: { path: "x/1" } } });
  });

  it("should refuse removals of absent paths, missing blobs, unknown drafts and bases, and readers", async () => {
    const t = await newTeam();
    await commitEntries(t, "data", refs(10));
    const draft = await newDraft(t, { base: "v0" });
    await call("POST", `${draftsPath(t)}/${draft.id}/changes`, {
      key: t.writer,
      body: { remove: ["nope/x"] },
    });
    const absent = await call("POST", `${draftsPath(t)}/${draft.id}/commit`, {
      key: t.writer,
      body: {},
      status: 404,
    });
    expect(absent).toMatchObject({ error: { code: "not_found", details: { missing: ["nope/x"] } } });
    expect(absent.error.message).toContain("'nope/x'");

    const blobDraft = await newDraft(t, { base: "v0" });
    const sha = "1".repeat(64);
    await call("POST", `${draftsPath(t)}/${blobDraft.id}/changes`, {
      key: t.writer,
      body: { put: [{ path: "new.bin", sha256: sha, size: 3 }] },
    });
    const blobMissing = await call("POST", `${draftsPath(t)}/${blobDraft.id}/commit`, {
      key: t.writer,
      body: {},
      status: 422,
    });
    expect(blobMissing).toMatchObject({ error: { code: "blob_missing", details: { missing: [sha] } } });
    expect(await countRows("versions", "team_id = ?", await teamId(t.team))).toBe(1);

    const duplicate = await call("POST", `${draftsPath(t)}/${blobDraft.id}/changes`, {
      key: t.writer,
      body: { put: [ref("d")], remove: ["d"] },
      status: 400,
    });
    expect(duplicate).toMatchObject({ error: { code: "validation_failed", details: { path: "d" } } });
    const unknown = await call("POST", `${draftsPath(t)}/nope/commit`, {
      key: t.writer,
      body: {},
      status: 404,
    });
    expect(unknown).toMatchObject({ error: { code: "not_found", message: "draft 'nope' not found" } });
    const badBase = await call("POST", draftsPath(t), {
      key: t.writer,
      body: { type: "dataset", base: "v7" },
      status: 404,
    });
    expect(badBase).toMatchObject({ error: { code: "not_found" } });
    const wrongType = await call("POST", draftsPath(t), {
      key: t.writer,
      body: { type: "model" },
      status: 409,
    });
    expect(wrongType).toMatchObject({ error: { code: "type_mismatch" } });
    const reader = await call("POST", draftsPath(t), {
      key: t.reader,
      body: { type: "dataset" },
      status: 403,
    });
    expect(reader).toMatchObject({ error: { code: "forbidden" } });
    const other = await newTeam();
    await call("POST", `${draftsPath(t)}/${blobDraft.id}/changes`, {
      key: other.writer,
      body: { put: [ref("z")] },
      status: 404,
    });
  });
});

describe("DELETE /api/v1/teams/:team/projects/:project/artifacts/:name/drafts/:draftId", () => {
  it("should discard a draft and its changes", async () => {
    const t = await newTeam();
    const draft = await newDraft(t, {});
    await call("POST", `${draftsPath(t)}/${draft.id}/changes`, { key: t.writer, body: { put: refs(3) } });
    await call("DELETE", `${draftsPath(t)}/${draft.id}`, { key: t.writer });
    expect(await countRows("draft_changes", "draft_id = ?", draft.id)).toBe(0);
    await call("DELETE", `${draftsPath(t)}/${draft.id}`, { key: t.writer, status: 404 });
  });
});
