/** @module Manifest pages: cut with the shared page function, offer digests, upload only the missing ones. */
import { PAGES_PREPARE_MAX, PAGES_UPLOAD_MAX } from "../../shared/api.ts";
import { cutLeafPages, type LeafPage, type ManifestEntry, sortEntries } from "../../shared/manifest.ts";
import type { Client } from "../client.ts";
import { chunks } from "../retry.ts";

/** Keeps one `POST pages` body well under request limits even with long paths. */
const PAGES_BODY_MAX_BYTES = 8 * 1024 * 1024;

/** A manifest cut into pages, and which of them the server does not store yet. */
export interface ManifestPlan {
  digests: string[];
  missing: LeafPage[];
}

/** Cuts the entries into pages and asks the server which it lacks (one call per 10,000 pages). */
export async function planManifest(client: Client, entries: ManifestEntry[]): Promise<ManifestPlan> {
  const pages = cutLeafPages(sortEntries([...entries]));
  const missing = new Set<string>();
  for (const batch of chunks(pages, PAGES_PREPARE_MAX)) {
    const result = await client.request<{ missing: string[] }>("POST", client.teamPath("/pages/prepare"), {
      digests: batch.map((p) => p.digest),
    });
    for (const digest of result.missing) missing.add(digest);
  }
  return { digests: pages.map((p) => p.digest), missing: pages.filter((p) => missing.delete(p.digest)) };
}

/** Uploads pages, up to 200 (and ~8 MiB) per call. */
export async function sendPages(client: Client, toSend: LeafPage[]): Promise<void> {
  let batch: LeafPage[] = [];
  let batchBytes = 0;
  const send = async () => {
    if (batch.length === 0) return;
    await client.request("POST", client.teamPath("/pages"), {
      pages: batch.map((p) => ({ digest: p.digest, entries: p.entries })),
    });
    batch = [];
    batchBytes = 0;
  };
  for (const page of toSend) {
    const bytes = JSON.stringify(page.entries).length;
    if (batch.length >= PAGES_UPLOAD_MAX || (batch.length > 0 && batchBytes + bytes > PAGES_BODY_MAX_BYTES)) {
      await send();
    }
    batch.push(page);
    batchBytes += bytes;
  }
  await send();
}

/** Cuts the entries into pages, uploads the ones the server lacks, and returns all page digests in order. */
export async function uploadManifest(client: Client, entries: ManifestEntry[]): Promise<string[]> {
  const plan = await planManifest(client, entries);
  await sendPages(client, plan.missing);
  return plan.digests;
}
