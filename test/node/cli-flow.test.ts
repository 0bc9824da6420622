import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cairnEnv, cliJson, runCli, writeTree } from "./support/cairn-env.ts";

/** One line on stderr starting with "error:", no stack frames. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("cairn put / get / versions / files", () => {
  it("should log a directory and download it byte for byte", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(path.join(dir, "data"), { "train.csv": 20_000, "nested/labels.json": '{"a":1}' });
    const put = await cliJson(
      [
        "put",
        "data",
        "--name",
        "training-data",
        "--type",
        "dataset",
        "--alias",
        "best",
        "--metadata",
        '{"rows":3}',
      ],
      env,
      dir,
    );
    expect(put).toMatchObject({ version: 0, created: true, files: 2, uploadedBytes: 20_007 });
    expect(put.ref).toMatch(/\/p\/training-data:v0$/);
    expect(put.digest).toMatch(/^[0-9a-f]{64}$/);

    const get = await cliJson(["get", "training-data:best"], env, dir);
    expect(get).toMatchObject({ ref: put.ref, version: 0, files: 2, downloadedBytes: 20_007 });
    expect(get.path).toBe(path.join(dir, "artifacts", "training-data:v0"));
    for (const f of ["train.csv", "nested/labels.json"]) {
      expect(readFileSync(path.join(get.path, f)).equals(readFileSync(path.join(dir, "data", f)))).toBe(true);
    }

    const versions = await cliJson(["versions", "training-data"], env, dir);
    expect(versions).toEqual([
      expect.objectContaining({
        version: 0,
        digest: put.digest,
        size: 20_007,
        files: 2,
        aliases: expect.arrayContaining(["best", "latest"]),
      }),
    ]);
    const files = await cliJson(["files", "training-data"], env, dir);
    expect(files.map((f: { path: string }) => f.path)).toEqual(["nested/labels.json", "train.csv"]);
    const human = await runCli(["versions", "training-data"], env, dir);
    expect(human.stdout).toMatch(/^VERSION\s+ALIASES/);
    expect(human.stdout).toContain("best,latest");
  });

  it("should upload 0 bytes and create no version when the same directory is put twice", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(path.join(dir, "d"), { "x.bin": 5000, "y.bin": 6000 });
    const args = ["put", "d", "--name", "same", "--type", "dataset"];
    const first = await cliJson(args, env, dir);
    const second = await cliJson(args, env, dir);
    expect(first).toMatchObject({ created: true, uploadedBytes: 11_000 });
    expect(second).toMatchObject({ created: false, uploadedBytes: 0, version: 0, digest: first.digest });
    expect(await cliJson(["versions", "same"], env, dir)).toHaveLength(1);
  });

  it("should report an altered file with verify, fetch only a prefix, and serve a repeat get from the cache", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(path.join(dir, "src"), { "images/a.png": 3000, "images/b.png": 3000, "labels/l.txt": "label" });
    await cliJson(["put", "src", "--name", "imgs", "--type", "dataset"], env, dir);

    const root = path.join(dir, "full");
    await cliJson(["get", "imgs", "--root", root], env, dir);
    expect((await runCli(["verify", "imgs", "--root", root], env, dir)).code).toBe(0);
    // Replace rather than write in place: downloads may be read-only hard links into the cache.
    const altered = path.join(root, "images/b.png");
    rmSync(altered);
    writeFileSync(altered, "not the original bytes");
    const bad = await runCli(["verify", "imgs", "--root", root], env, dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("images/b.png");
    expectOneLineError(bad.stderr, /does not match/);
    const badJson = await runCli(["verify", "imgs", "--root", root, "--json"], env, dir);
    expect(badJson.code).toBe(1);
    expect(JSON.parse(badJson.stdout)).toMatchObject({
      ok: false,
      mismatched: [{ path: "images/b.png" }],
      missing: [],
    });

    const partRoot = path.join(dir, "part");
    const part = await cliJson(["get", "imgs", "--root", partRoot, "--path-prefix", "labels/"], env, dir);
    expect(part).toMatchObject({ files: 1 });
    expect(readFileSync(path.join(partRoot, "labels/l.txt"), "utf8")).toBe("label");
    expect((await runCli(["verify", "imgs", "--root", partRoot], env, dir)).code).toBe(1);

    const again = await cliJson(["get", "imgs", "--root", path.join(dir, "again")], env, dir);
    expect(again).toMatchObject({ files: 3, downloadedBytes: 0, fromCache: 3 });
  });
});

describe("cairn put --base", () => {
  it("should add files on top of a base version without re-sending the rest", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, { "v0/a.txt": "a", "v0/b.txt": "b", "more/c.txt": "c" });
    await cliJson(["put", "v0", "--name", "inc", "--type", "dataset"], env, dir);
    const next = await cliJson(
      ["put", "more/c.txt", "--name", "inc", "--type", "dataset", "--base", "inc:v0"],
      env,
      dir,
    );
    expect(next).toMatchObject({ version: 1, created: true, files: 3, uploadedBytes: 1 });
    const files = await cliJson(["files", "inc:v1"], env, dir);
    expect(files.map((f: { path: string }) => f.path)).toEqual(["a.txt", "b.txt", "c.txt"]);
  });
});

describe("cairn alias / ls / login / cache", () => {
  it("should set, compare-and-swap, remove and trace aliases", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, { "one/f.txt": "1", "two/f.txt": "2" });
    await cliJson(["put", "one", "--name", "m", "--type", "model"], env, dir);
    await cliJson(["put", "two", "--name", "m", "--type", "model"], env, dir);
    expect(await cliJson(["alias", "set", "m:v0", "prod"], env, dir)).toMatchObject({
      alias: "prod",
      version: 0,
    });
    const conflict = await runCli(["alias", "set", "m:v1", "prod", "--if", "v1"], env, dir);
    expect(conflict.code).toBe(1);
    expectOneLineError(conflict.stderr, /./);
    expect(await cliJson(["alias", "set", "m:v1", "prod", "--if", "v0"], env, dir)).toMatchObject({
      version: 1,
    });
    await cliJson(["alias", "rm", "m", "prod"], env, dir);
    const history = await cliJson(["alias", "history", "m", "prod"], env, dir);
    expect(history.length).toBeGreaterThanOrEqual(3);
    const versions = await cliJson(["versions", "m"], env, dir);
    expect(versions.flatMap((v: { aliases: string[] }) => v.aliases)).not.toContain("prod");
  });

  it("should list artifacts by type", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, { "a/f.txt": "a" });
    await cliJson(["put", "a", "--name", "ds", "--type", "dataset"], env, dir);
    await cliJson(["put", "a", "--name", "mdl", "--type", "model"], env, dir);
    const models = await cliJson(["ls", "--type", "model"], env, dir);
    expect(models.map((a: { name: string }) => a.name)).toEqual(["mdl"]);
    const all = await cliJson(["ls"], env, dir);
    expect(all.map((a: { name: string }) => a.name).sort()).toEqual(["ds", "mdl"]);
  });

  it("should store a profile with the key's team on login and use it", async () => {
    const { dir, env, team } = await cairnEnv();
    const bare = { ...env, CAIRN_HOST: undefined, CAIRN_API_KEY: undefined, CAIRN_TEAM: undefined };
    const login = await cliJson(
      ["login", "--host", env.CAIRN_HOST ?? "", "--key", team.writer, "--project", "p"],
      bare,
      dir,
    );
    expect(login).toMatchObject({ team: team.team, role: "writer", profile: "default" });
    const config = JSON.parse(
      readFileSync(path.join(env.XDG_CONFIG_HOME ?? "", "cairn/config.json"), "utf8"),
    );
    expect(config).toMatchObject({
      current: "default",
      profiles: { default: { host: env.CAIRN_HOST, key: team.writer, team: team.team, project: "p" } },
    });
    writeTree(dir, { "d/f.txt": "f" });
    expect(
      await cliJson(["put", "d", "--name", "via-profile", "--type", "dataset"], bare, dir),
    ).toMatchObject({
      created: true,
    });
  });

  it("should trim the cache to a maximum size, least recently used first", async () => {
    const { dir, env } = await cairnEnv();
    writeTree(dir, { "a/big.bin": 50_000, "b/small.bin": 10_000 });
    await cliJson(["put", "a", "--name", "ca", "--type", "dataset"], env, dir);
    await cliJson(["put", "b", "--name", "cb", "--type", "dataset"], env, dir);
    await cliJson(["get", "ca", "--root", path.join(dir, "ga")], env, dir);
    await cliJson(["get", "cb", "--root", path.join(dir, "gb")], env, dir);
    const trimmed = await cliJson(["cache", "cleanup", "--max-size", "20KB"], env, dir);
    expect(trimmed).toMatchObject({ removedFiles: 1, removedBytes: 50_000, keptFiles: 1, keptBytes: 10_000 });
    expect(await cliJson(["get", "cb", "--root", path.join(dir, "gb2")], env, dir)).toMatchObject({
      downloadedBytes: 0,
    });
    expect(await cliJson(["get", "ca", "--root", path.join(dir, "ga2")], env, dir)).toMatchObject({
      downloadedBytes: 50_000,
    });
  });
});

describe("cairn errors", () => {
  it("should print one line and exit 1 for a wrong key", async () => {
    const { dir, env } = await cairnEnv();
    const result = await runCli(["ls"], { ...env, CAIRN_API_KEY: "cairn_wrong_key" }, dir);
    expect(result.code).toBe(1);
    expectOneLineError(result.stderr, /API key.*cairn login/);
  });

  it("should print one line and exit 1 for an unknown artifact", async () => {
    const { dir, env } = await cairnEnv();
    const result = await runCli(["get", "does-not-exist:latest"], env, dir);
    expect(result.code).toBe(1);
    expectOneLineError(result.stderr, /not found/);
  });

  it("should print one line and exit 1 for an unreachable host, with the stack only under --debug", async () => {
    const { dir, env } = await cairnEnv();
    const unreachable = { ...env, CAIRN_HOST: "http://127.0.0.1:9" };
    const result = await runCli(["versions", "x"], unreachable, dir);
    expect(result.code).toBe(1);
    expectOneLineError(result.stderr, /cannot reach the Cairn server at http:\/\/127\.0\.0\.1:9.*CAIRN_HOST/);
    const debug = await runCli(["versions", "x", "--debug"], unreachable, dir);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("should exit 2 with a pointer to the help for a usage mistake", async () => {
    const { dir, env } = await cairnEnv();
    const missing = await runCli(["put", "--name", "x"], env, dir);
    expect(missing.code).toBe(2);
    expectOneLineError(missing.stderr, /cairn put --help/);
    const unknown = await runCli(["get", "x", "--bogus"], env, dir);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown.stderr, /--bogus/);
    expect((await runCli(["frobnicate"], env, dir)).code).toBe(2);
  });
});
