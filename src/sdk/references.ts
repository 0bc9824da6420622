/**
 * @module Reference entries over http(s): the ETag (and size) captured when one is logged without a
 * checksum, so that a later download can tell whether the content behind the URL has changed.
 */
import type { ReferenceEntry } from "../shared/manifest.ts";
import { isTransient, networkReason } from "./client.ts";
import { CairnError } from "./errors.ts";
import { forEachLimit, withRetries } from "./retry.ts";

const PROBE_CONCURRENCY = 8;

/** Ask for the bytes as stored, so that Content-Length is the file's size. */
const IDENTITY = { "accept-encoding": "identity" };

class RetryableStatus extends Error {}

/** True for the schemes the client fetches itself; s3:// and gs:// are recorded and listed only. */
export function isHttpReference(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

/** An ETag without its weak marker and quotes: `W/"abc"` and `"abc"` both compare as `abc`. */
export function normaliseEtag(etag: string): string {
  return etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
}

/**
 * Gives every http(s) reference that has no checksum an `etag:<value>` checksum (and its size when the
 * server reports one and none was given), as the server reports them now. Other references come back
 * unchanged. A URL that cannot be read at all fails the log: recording it unchecked would only defer the
 * surprise to the first download.
 */
export async function captureReferenceChecksums(references: ReferenceEntry[]): Promise<ReferenceEntry[]> {
  const out = [...references];
  await forEachLimit(out.keys(), PROBE_CONCURRENCY, async (i) => {
    const entry = out[i];
    if (!entry || entry.checksum || !isHttpReference(entry.ref)) return;
    const probed = await probeReference(entry.ref, entry.path);
    out[i] = {
      ...entry,
      ...(probed.etag ? { checksum: `etag:${probed.etag}` } : {}),
      ...(entry.size === undefined && probed.size !== undefined ? { size: probed.size } : {}),
    };
  });
  return out;
}

/**
 * HEAD the URL; when HEAD is refused (405, 403 on GET-only signed URLs, 501, ...), GET the first byte
 * instead. Returns the normalised ETag (absent when the server sends none) and the full size when known.
 */
export async function probeReference(
  uri: string,
  entryPath: string,
): Promise<{ etag?: string; size?: number }> {
  const what = `reference '${entryPath}' (${uri})`;
  return withRetries(
    async () => {
      const head = await send(uri, { method: "HEAD", headers: IDENTITY }, what);
      if (head.ok) return describe(head, contentLength(head));
      const ranged = await send(uri, { method: "GET", headers: { ...IDENTITY, range: "bytes=0-0" } }, what);
      // Only the headers matter; do not read a body the server may send in full when it ignores Range.
      await ranged.body?.cancel();
      if (!ranged.ok) {
        throw new CairnError(
          "transfer_failed",
          `${what} could not be read (HEAD: HTTP ${head.status}, GET: HTTP ${ranged.status})`,
          {
            status: ranged.status,
            hint: "Check the URL and its access rights, or give a checksum (sha256:<hex>) to log it without reading it",
          },
        );
      }
      return describe(ranged, ranged.status === 206 ? rangeTotal(ranged) : contentLength(ranged));
    },
    { attempts: 4, retryable: (error) => error instanceof RetryableStatus || isTransient(error) },
  ).catch((error: unknown) => {
    if (error instanceof CairnError) throw error;
    throw new CairnError("unreachable", `${what} could not be reached (${networkReason(error)})`, {
      hint: "Check the network and the URL, or give a checksum to log it without reading it",
      cause: error,
    });
  });
}

async function send(uri: string, init: RequestInit, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(uri, { ...init, redirect: "follow" });
  } catch (error) {
    if (isTransient(error)) throw error;
    throw new CairnError("unreachable", `${what} could not be reached (${networkReason(error)})`, {
      hint: "Check the network and the URL, or give a checksum to log it without reading it",
      cause: error,
    });
  }
  if (response.status >= 500 && response.status !== 501) {
    await response.body?.cancel();
    throw new RetryableStatus(`HTTP ${response.status}`);
  }
  return response;
}

function describe(response: Response, size: number | undefined): { etag?: string; size?: number } {
  const etag = response.headers.get("etag");
  const value = etag ? normaliseEtag(etag) : "";
  return { ...(value ? { etag: value } : {}), ...(size === undefined ? {} : { size }) };
}

/** The length of the content itself: a compressed transfer's length is not the size of the file. */
function contentLength(response: Response): number | undefined {
  const encoding = response.headers.get("content-encoding");
  if (encoding && encoding.trim().toLowerCase() !== "identity") return undefined;
  return wholeNumber(response.headers.get("content-length"));
}

/** `Content-Range: bytes 0-0/1234` → 1234 (`*` when the server does not know). */
function rangeTotal(response: Response): number | undefined {
  return wholeNumber(/\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "")?.[1] ?? null);
}

function wholeNumber(text: string | null): number | undefined {
  if (text === null || !/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}
