/**
 * @module `npm start`: the local Cairn on http://127.0.0.1:8787 (wrangler dev, state under .wrangler/state,
 * migrations applied, team `local`, project `default` and the local key seeded), plus a `local` profile in
 * the CLI's config file so `npx cairn put data/ --name training-data --type dataset` works right away.
 */
import path from "node:path";
import { configPath, readConfig, saveProfile } from "../src/sdk/config.ts";
import { startLocalServer } from "./local-server.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.CAIRN_PORT ?? 8787);

const server = await startLocalServer({ port: PORT, persistDir: path.join(ROOT, ".wrangler", "state") });
const file = configPath();
const config = await readConfig();
let profileNote: string;
if (config.profiles.local) {
  profileNote = `profile 'local' already in ${file} (left as it is)`;
} else {
  // Current only when there is no other: never take over a profile someone chose.
  await saveProfile(
    "local",
    { host: server.url, key: server.apiKey, team: "local", project: "default" },
    { makeCurrent: !config.current },
  );
  profileNote = `profile 'local' written to ${file}`;
}

console.log(`Cairn is running at ${server.url}  (Ctrl-C to stop)
  web UI:      ${server.url}/
  team local, project default, API key ${server.apiKey}
  ${profileNote}
  state:       ${server.persistDir} (wrangler log: ${path.join(server.persistDir, "wrangler.log")})

Try it:
  npx cairn put data/ --name training-data --type dataset
  npx cairn versions training-data
  npx cairn get training-data:latest
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping Cairn…");
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
