/** @module What SDK objects share: a connected client, the cache root, and reference parsing with defaults. */
import { type ArtifactRef, parseRef } from "../shared/ref.ts";
import type { Client } from "./client.ts";
import { CairnError } from "./errors.ts";
import type { VersionAddress } from "./listing.ts";

export interface SdkContext {
  client: Client;
  cacheRoot: string;
}

/** Parses `[team/][project/]name[:alias|:vN][@ISO]` with the client's team and `project` as defaults. */
export function resolveRef(
  ctx: SdkContext,
  ref: string,
  project = ctx.client.project,
): VersionAddress & ArtifactRef {
  let parsed: ArtifactRef;
  try {
    parsed = parseRef(ref, { team: ctx.client.team, project });
  } catch (error) {
    throw new CairnError("validation_failed", error instanceof Error ? error.message : String(error), {
      hint: "A reference looks like [team/][project/]name[:alias|:vN]",
    });
  }
  return { ...parsed, selector: parsed.at ? `${parsed.selector}@${parsed.at}` : parsed.selector };
}
