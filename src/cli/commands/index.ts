/** @module The CLI's commands. To add one: write `commands/<name>.ts` exporting a `Command`, list it here. */
import type { Command } from "../command.ts";
import { adminFsck } from "./admin.ts";
import { aliasHistory, aliasRm, aliasSet } from "./alias.ts";
import { cacheCleanup } from "./cache.ts";
import { diff } from "./diff.ts";
import { files } from "./files.ts";
import { get } from "./get.ts";
import { lineage } from "./lineage.ts";
import { login } from "./login.ts";
import { ls } from "./ls.ts";
import { put } from "./put.ts";
import { verify } from "./verify.ts";
import { versions } from "./versions.ts";

export const COMMANDS: Command[] = [
  login,
  put,
  get,
  ls,
  versions,
  files,
  diff,
  lineage,
  aliasSet,
  aliasRm,
  aliasHistory,
  verify,
  cacheCleanup,
  adminFsck,
];
