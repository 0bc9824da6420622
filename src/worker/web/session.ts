/**
 * @module Web sessions: the pasted API key kept in an AES-GCM encrypted cookie (HttpOnly, SameSite=Strict,
 * Secure except on http://localhost), re-validated on every request exactly as the API validates a key;
 * a per-session CSRF token checked on every POST together with the Origin; the page security headers.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ApiRole } from "../../shared/api.ts";
import { timingSafeEqual } from "../auth/keys.ts";
import type { AppEnv } from "../context.ts";
import { createDb } from "../db/client.ts";
import { findActiveKey } from "../domain/teams.ts";

export const SESSION_COOKIE = "cairn_session";
export const LOGIN_CSRF_COOKIE = "cairn_login_csrf";
export const CSRF_FIELD = "_csrf";
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

export interface WebSession {
  /** The API key; internal API calls are made with it, so the API's own checks apply. */
  apiKey: string;
  team: string;
  teamId: string;
  role: ApiRole;
  keyId: string;
  csrf: string;
}

interface SessionPayload {
  k: string;
  c: string;
  /** issued at, ms */
  t: number;
}

const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The cookie key: HKDF of CAIRN_SESSION_SECRET when set, else of the deployment's other secrets (which every
 * deployment has, because presigning needs them). Rotating the secret signs everyone out, nothing more.
 */
function sessionKey(env: Env): Promise<CryptoKey> {
  const extra = env as Env & { CAIRN_SESSION_SECRET?: string };
  const material =
    extra.CAIRN_SESSION_SECRET || `${env.R2_SECRET_ACCESS_KEY}\n${env.CAIRN_ADMIN_TOKEN ?? ""}`;
  let key = keys.get(material);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(material), "HKDF", false, [
        "deriveKey",
      ]);
      return crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new TextEncoder().encode("cairn-web-session-v1"),
          info: new Uint8Array(),
        },
        base,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(material, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

export function randomToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
}

export async function sealSession(env: Env, payload: SessionPayload): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(payload));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sessionKey(env), plain),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64Url(out);
}

export async function openSession(env: Env, cookie: string): Promise<SessionPayload | null> {
  try {
    const bytes = fromBase64Url(cookie);
    if (!bytes || bytes.length < 13) return null;
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12) },
      await sessionKey(env),
      bytes.slice(12),
    );
    const value = JSON.parse(new TextDecoder().decode(plain)) as Partial<SessionPayload>;
    if (typeof value.k !== "string" || typeof value.c !== "string" || typeof value.t !== "number")
      return null;
    if (Date.now() - value.t > SESSION_MAX_AGE_SECONDS * 1000) return null;
    return { k: value.k, c: value.c, t: value.t };
  } catch {
    return null;
  }
}

/** Secure cookies everywhere but plain-http loopback, where browsers would drop them. */
export function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
}

function cookieOptions(c: Context<AppEnv>, maxAge: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Strict" as const,
    secure: !isLoopbackHttp(c.req.url),
    maxAge,
  };
}

export async function startSession(c: Context<AppEnv>, apiKey: string): Promise<void> {
  const value = await sealSession(c.env, { k: apiKey, c: randomToken(), t: Date.now() });
  setCookie(c, SESSION_COOKIE, value, cookieOptions(c, SESSION_MAX_AGE_SECONDS));
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: !isLoopbackHttp(c.req.url) });
}

/** The login form's CSRF token (double-submit: a cookie and a hidden field), made on GET /login. */
export function loginCsrf(c: Context<AppEnv>): string {
  const token = getCookie(c, LOGIN_CSRF_COOKIE) || randomToken();
  setCookie(c, LOGIN_CSRF_COOKIE, token, cookieOptions(c, 3600));
  return token;
}

export function loginCsrfMatches(c: Context<AppEnv>, submitted: string): boolean {
  const expected = getCookie(c, LOGIN_CSRF_COOKIE) ?? "";
  return expected !== "" && timingSafeEqual(expected, submitted);
}

/**
 * The session of this request, re-checked against the live key (a revoked key ends every session at once),
 * or null.
 */
export async function readSession(c: Context<AppEnv>): Promise<WebSession | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return null;
  const payload = await openSession(c.env, cookie);
  if (!payload) return null;
  const key = await findActiveKey(createDb(c.env.DB), payload.k);
  if (!key) return null;
  return {
    apiKey: payload.k,
    team: key.teamName,
    teamId: key.teamId,
    role: key.role,
    keyId: key.keyId,
    csrf: payload.c,
  };
}

/** A POST must come from our own pages: same Origin when the browser sends one, and the session's token. */
export function originAllowed(c: Context<AppEnv>): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  return origin === new URL(c.req.url).origin;
}

export function csrfMatches(session: WebSession, submitted: string | undefined): boolean {
  return typeof submitted === "string" && submitted !== "" && timingSafeEqual(session.csrf, submitted);
}

/** The origin presigned download URLs point at, for the CSP's img-src (image previews). */
export function r2Origin(c: Context<AppEnv>): string {
  const endpoint = c.env.R2_S3_ENDPOINT as string;
  if (!endpoint) return "";
  try {
    return new URL(endpoint).origin;
  } catch {
    return "";
  }
}

/** Security headers on every web response: a strict CSP (no inline script or style), no framing. */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const img = ["'self'", "data:", r2Origin(c)].filter(Boolean).join(" ");
  c.header(
    "content-security-policy",
    `default-src 'self'; script-src 'self'; style-src 'self'; img-src ${img}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`,
  );
  c.header("x-content-type-options", "nosniff");
  c.header("x-frame-options", "DENY");
  c.header("referrer-policy", "same-origin");
  if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
};
