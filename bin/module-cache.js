// Start-up cache for the `cairn` command: Node strips the types of every TypeScript source on each start
// (~250 ms of a ~370 ms `cairn --help`). This load hook keeps the stripped JavaScript of each source in
// `$XDG_CACHE_HOME/cairn/modules/<sha256 of Node version and source>.js`, so a source is stripped again
// only when its text changes; a stale entry can never be served. Any failure falls back to Node's own loading.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function registerModuleCache(env = process.env) {
  const { registerHooks, stripTypeScriptTypes } = nodeModule;
  if (typeof registerHooks !== "function" || typeof stripTypeScriptTypes !== "function") return;
  const dir = path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "cairn", "modules");
  let writable = true;
  registerHooks({
    load(url, context, nextLoad) {
      if (!url.startsWith("file:") || !url.endsWith(".ts") || url.includes("/node_modules/")) {
        return nextLoad(url, context);
      }
      let source;
      try {
        source = readFileSync(fileURLToPath(url), "utf8");
      } catch {
        return nextLoad(url, context);
      }
      const key = createHash("sha256").update(`${process.version}\0`).update(source).digest("hex");
      const file = path.join(dir, `${key}.js`);
      try {
        return { format: "module", source: readFileSync(file, "utf8"), shortCircuit: true };
      } catch {
        // not cached yet
      }
      let stripped;
      try {
        stripped = stripTypeScriptTypes(source);
      } catch {
        return nextLoad(url, context);
      }
      if (writable) {
        try {
          mkdirSync(dir, { recursive: true });
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, stripped);
          renameSync(tmp, file);
        } catch {
          writable = false; // a read-only cache costs the cache, never the command
        }
      }
      return { format: "module", source: stripped, shortCircuit: true };
    },
  });
}
