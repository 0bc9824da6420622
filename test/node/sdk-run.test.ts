import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cairnEnv, ROOT } from "./support/cairn-env.ts";
import { callApi } from "./support/server.ts";

/** A script that starts a run, prints its id, then either waits or throws. */
function script(dir: string, then: "wait" | "throw"): string {
  const file = path.join(dir, `run-${then}.mjs`);
  const sdk = path.join(ROOT, "src", "sdk", "index.ts");
  writeFileSync(
    file,
    `import { init } from ${JSON.stringify(sdk)};
const run = await init({ project: "p", jobType: "crashy" });
console.log(run.id);
${then === "wait" ? "setInterval(() => {}, 1000);" : "setTimeout(() => { throw new Error('boom'); }, 50);"}
`,
  );
  return file;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
    });
    child.on("exit", () => reject(new Error(`exited before printing a run id: ${out}`)));
  });
}

async function runStatus(team: { team: string; reader: string }, id: string) {
  const body = await callApi<{ run: { status: string } }>(
    "GET",
    `/teams/${team.team}/projects/p/runs/${id}`,
    {
      key: team.reader,
    },
  );
  return body.run.status;
}

describe("SDK: Run end states", () => {
  it("should mark the run crashed on SIGTERM and still die of the signal", async () => {
    const { dir, env, team } = await cairnEnv();
    const child = spawn(process.execPath, [script(dir, "wait")], { env, stdio: ["ignore", "pipe", "pipe"] });
    const id = await firstLine(child);
    expect(await runStatus(team, id)).toBe("running");
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    child.kill("SIGTERM");
    expect(await exited).toBe("SIGTERM");
    expect(await runStatus(team, id)).toBe("crashed");
  });

  it("should mark the run crashed on an uncaught exception and keep the exit code", async () => {
    const { dir, env, team } = await cairnEnv();
    const child = spawn(process.execPath, [script(dir, "throw")], { env, stdio: ["ignore", "pipe", "pipe"] });
    const id = await firstLine(child);
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(await runStatus(team, id)).toBe("crashed");
  });
});
