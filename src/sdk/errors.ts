/** @module The SDK's one error class: an API error body, or a client-side failure with a code of its own. */

/**
 * Codes the client adds to the server's (src/shared/errors.ts): the server was not reached, the local
 * configuration is incomplete, a local file is unusable, or a transfer failed after its retries.
 */
export type ClientErrorCode =
  | "unreachable"
  | "not_configured"
  | "local_file"
  | "transfer_failed"
  | "verification_failed"
  | "bad_response";

/**
 * Every failure of the SDK. `code` is the API's error code (`not_found`, `unauthorized`, ...) or a
 * client code (`unreachable`, `not_configured`, ...); `status` is the HTTP status (0 when none);
 * `hint` says what to do about it.
 *
 * @example
 * ```ts
 * import { Api, CairnError } from "cairn";
 * try {
 *   await new Api().artifact("training-data:best");
 * } catch (error) {
 *   if (error instanceof CairnError && error.code === "not_found") console.log("no such artifact");
 *   else throw error;
 * }
 * ```
 */
export class CairnError extends Error {
  readonly code: string;
  readonly status: number;
  readonly hint: string;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(
    code: string,
    message: string,
    options: { status?: number; hint?: string; requestId?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CairnError";
    this.code = code;
    this.status = options.status ?? 0;
    this.hint = options.hint ?? "";
    this.requestId = options.requestId;
    this.details = options.details;
  }

  /** The message and the hint as one line: "what went wrong. what to do". */
  get oneLine(): string {
    const what = this.message.replace(/\s+/g, " ").trim().replace(/\.$/, "");
    return this.hint ? `${what}. ${this.hint}` : what;
  }
}
