/**
 * @module One presigned PUT of a file range straight to R2, streamed from disk with a known length, retried
 * with backoff on network errors and 5xx. Returns the ETag (multipart parts need it).
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { isTransient, networkReason } from "../client.ts";
import { CairnError } from "../errors.ts";
import { withRetries } from "../retry.ts";

class RetryableStatus extends Error {}

/**
 * PUTs bytes [start, start+length) of `file` to `url` with the `headers` signed into it. A 4xx is final (an
 * expired or tampered URL); 5xx and connection failures are retried, each time with a fresh stream from disk.
 */
export async function putFileRange(
  url: string,
  file: string,
  start: number,
  length: number,
  what: string,
  headers: Record<string, string> = {},
): Promise<string> {
  return withRetries(
    async () => {
      const body =
        length === 0
          ? new Uint8Array(0)
          : // The project's global types are the Workers' (shared tsconfig); at run time this is Node's stream.
            (Readable.toWeb(
              createReadStream(file, { start, end: start + length - 1, highWaterMark: 1024 * 1024 }),
            ) as unknown as ReadableStream<Uint8Array>);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "PUT",
          body,
          headers: { ...headers, "content-length": String(length) },
          duplex: "half",
        } as RequestInit);
      } catch (error) {
        if (!isTransient(error)) {
          throw new CairnError("unreachable", `upload of ${what} failed (${networkReason(error)})`, {
            hint: "Check the network and that the server is running",
            cause: error,
          });
        }
        throw error;
      }
      const text = await response.text();
      if (response.status >= 500) throw new RetryableStatus(`HTTP ${response.status}`);
      // A create-only PUT (`if-none-match: *`) finds the object there: an earlier attempt whose answer was
      // lost stored it. `complete` verifies what is stored either way; single PUTs need no ETag.
      if (response.status === 412 && headers["if-none-match"] === "*") return "";
      if (!response.ok) {
        throw new CairnError(
          "transfer_failed",
          `upload of ${what} was refused (HTTP ${response.status}: ${text.slice(0, 200).replace(/\s+/g, " ")})`,
          { status: response.status, hint: "Run the command again; an expired upload URL is renewed" },
        );
      }
      // S3 quotes ETags; the Worker completes through the R2 binding, which wants them bare.
      return (response.headers.get("etag") ?? "").replace(/^"(.*)"$/, "$1");
    },
    { attempts: 6, retryable: (error) => error instanceof RetryableStatus || isTransient(error) },
  ).catch((error: unknown) => {
    if (error instanceof CairnError) throw error;
    throw new CairnError("transfer_failed", `upload of ${what} failed after retries (${String(error)})`, {
      hint: "Run the command again: finished parts are not sent twice",
      cause: error,
    });
  });
}
