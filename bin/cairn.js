#!/usr/bin/env node
// The `cairn` command. Node ≥ 22.18 runs the TypeScript sources directly (type stripping); the
// "type stripping is experimental" warning is noise for CLI users, so only that warning is dropped.
const [printWarning] = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name === "ExperimentalWarning" && /type stripping|stripTypeScriptTypes/i.test(warning.message))
    return;
  if (printWarning) printWarning(warning);
  else process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `error: cairn needs Node.js 22.12 or newer; this is ${process.version}. Install a newer Node.js\n`,
  );
  process.exit(1);
}
if (!process.features.typescript) {
  // Node 22.12–22.17 strip types only behind a flag: run again with it (slower start, same result).
  const { spawnSync } = await import("node:child_process");
  const result = spawnSync(
    process.execPath,
    ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", ...process.argv.slice(1)],
    { stdio: "inherit" },
  );
  if (result.error) {
    process.stderr.write(`error: cannot start cairn (${result.error.message}). Use Node.js 22.18 or newer\n`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

// Keep stripped sources between runs (see module-cache.js): a third of the start-up otherwise.
const { registerModuleCache } = await import("./module-cache.js");
registerModuleCache();

const { main } = await import("../src/cli/index.ts");
process.exitCode = await main(process.argv.slice(2));
