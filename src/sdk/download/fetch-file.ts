/**
 * @module One verified download: GET a URL, stream it to a temporary file next to the target while hashing,
 * check size and sha256, then rename into place. Retries network failures and 5xx with backoff.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isTransient, networkReason } from "../client.ts";
import { CairnError } from "../errors.ts";
import { withRetries } from "../retry.ts";
import { tempPathFor } from "./blob-cache.ts";

class RetryableStatus extends Error {}

export interface FetchedFile {
  /** The verified temporary file; the caller renames it (or links it into the cache first). */
  tmp: string;
  sha256: string;
  size: number;
  etag: string | null;
}

/**
 * Downloads `url` into a temporary file beside `target`. With `expect.sha256`/`expect.size`, a mismatch
 * deletes the file and throws `digest_mismatch`. `onBytes` is told of every chunk (for progress); `headers`
 * go with the request.
 */
export async function fetchToTemp(
  url: string,
  target: string,
  expect: { sha256?: string; size?: number },
  onBytes: (n: number) => void,
  what: string,
  headers: Record<string, string> = {},
): Promise<FetchedFile> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  return withRetries(
    async () => {
      let response: Response;
      try {
        response = await fetch(url, { headers });
      } catch (error) {
        if (!isTransient(error)) {
          throw new CairnError("unreachable", `download of ${what} failed (${networkReason(error)})`, {
            hint: "Check the network and that the server is running",
            cause: error,
          });
        }
        throw error;
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        throw new RetryableStatus(`HTTP ${response.status}`);
      }
      if (response.status === 412) {
        // The URL is conditional on the object the server verified: it was rewritten since.
        await response.body?.cancel();
        throw new CairnError(
          "digest_mismatch",
          `download of ${what} was refused: the stored object changed after it was verified (HTTP 412)`,
          { status: 412, hint: "The stored content is damaged; ask an admin to run fsck" },
        );
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new CairnError("transfer_failed", `download of ${what} was refused (HTTP ${response.status})`, {
          status: response.status,
          hint: "Run the command again; download URLs are renewed each time",
        });
      }
      const tmp = tempPathFor(target);
      const hash = createHash("sha256");
      let size = 0;
      let counted = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          counted += chunk.length;
          onBytes(chunk.length);
          done(null, chunk);
        },
      });
      try {
        await pipeline(
          // Global types are the Workers' (shared tsconfig); at run time this is Node's web stream.
          Readable.fromWeb(response.body as unknown as import("node:stream/web").ReadableStream<Uint8Array>),
          meter,
          createWriteStream(tmp),
        );
      } catch (error) {
        onBytes(-counted);
        await fs.rm(tmp, { force: true });
        throw error;
      }
      const sha256 = hash.digest("hex");
      if (
        (expect.size !== undefined && size !== expect.size) ||
        (expect.sha256 && sha256 !== expect.sha256)
      ) {
        await fs.rm(tmp, { force: true });
        throw new CairnError(
          "digest_mismatch",
          `downloaded ${what} does not match its manifest (got ${size} bytes, sha256 ${sha256.slice(0, 12)}…)`,
          { hint: "Run the command again; if it persists, the stored content is damaged" },
        );
      }
      return { tmp, sha256, size, etag: response.headers.get("etag") };
    },
    { attempts: 5, retryable: (error) => error instanceof RetryableStatus || isTransient(error) },
  ).catch((error: unknown) => {
    if (error instanceof CairnError) throw error;
    throw new CairnError("transfer_failed", `download of ${what} failed after retries (${String(error)})`, {
      hint: "Run the command again: files already downloaded are kept",
      cause: error,
    });
  });
}
