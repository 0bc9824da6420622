#!/usr/bin/env node
// The `cairn` command. Node ≥ 22.18 runs the TypeScript sources directly (type stripping); the
// "type stripping is experimental" warning is noise for CLI users, so only that warning is dropped.
const [printWarning] = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name === "ExperimentalWarning" && /type stripping/i.test(warning.message)) return;
  if (printWarning) printWarning(warning);
  else process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

if (!process.features.typescript) {
  process.stderr.write(
    "error: cairn needs Node.js 22.18 or newer (it runs its TypeScript sources directly). Upgrade Node, or set NODE_OPTIONS=--experimental-strip-types\n",
  );
  process.exit(1);
}

const { main } = await import("../src/cli/index.ts");
process.exitCode = await main(process.argv.slice(2));
