/**
 * @module Presigned R2 S3-API URLs (SigV4 in the query string). Each URL names one object and one operation
 * and expires. In production the endpoint is the account's R2 S3 endpoint (R2_S3_ENDPOINT); under
 * `wrangler dev` it is the local endpoint served by the same process, derived from the request's origin.
 */
import { AwsClient } from "aws4fetch";

export type PresignMethod = "GET" | "PUT" | "HEAD";

export interface PresignContext {
  env: Env;
  /** Origin of the incoming request, used for the local endpoint when R2_S3_ENDPOINT is empty. */
  origin: string;
}

const clients = new Map<string, AwsClient>();

function client(env: Env): AwsClient {
  const cacheKey = `${env.R2_ACCESS_KEY_ID}\n${env.R2_SECRET_ACCESS_KEY}`;
  let aws = clients.get(cacheKey);
  if (!aws) {
    aws = new AwsClient({
      accessKeyId: env.R2_ACCESS_KEY_ID,
      secretAccessKey: env.R2_SECRET_ACCESS_KEY,
      service: "s3",
      region: "auto",
    });
    clients.set(cacheKey, aws);
  }
  return aws;
}

export function s3ObjectUrl(ctx: PresignContext, key: string): string {
  const endpoint = (ctx.env.R2_S3_ENDPOINT as string) || `${ctx.origin}/cdn-cgi/local/r2/s3`;
  const encodedKey = key.split("/").map(encodeURIComponent).join("/");
  return `${endpoint.replace(/\/$/, "")}/${ctx.env.R2_BUCKET_NAME}/${encodedKey}`;
}

export function presignTtlSeconds(env: Env): number {
  const ttl = Number(env.PRESIGN_TTL_SECONDS);
  return Number.isFinite(ttl) && ttl > 0 ? Math.min(ttl, 7 * 24 * 3600) : 3600;
}

/**
 * Signs one operation on one object. `query` adds parameters that become part of the signature
 * (UploadPart's `partNumber` and `uploadId`), so a URL cannot be turned into another part or upload.
 * `headers` are signed too (`X-Amz-SignedHeaders`): the client must send exactly these, or R2 answers
 * 403. That is how a condition (`if-match`, `if-none-match`) is made part of the URL.
 */
export async function presign(
  ctx: PresignContext,
  method: PresignMethod,
  key: string,
  options: { query?: Record<string, string>; headers?: Record<string, string>; ttlSeconds?: number } = {},
): Promise<{ url: string; expiresAt: string }> {
  const ttl = options.ttlSeconds ?? presignTtlSeconds(ctx.env);
  const url = new URL(s3ObjectUrl(ctx, key));
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  url.searchParams.set("X-Amz-Expires", String(ttl));
  const signed = await client(ctx.env).sign(new Request(url, { method, headers: options.headers ?? {} }), {
    aws: { signQuery: true },
  });
  return { url: signed.url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
}
