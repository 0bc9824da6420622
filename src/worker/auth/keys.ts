/** @module API key secrets: generation, hashing and constant-time comparison. */
import { sha256Hex } from "../../shared/manifest.ts";

export const KEY_PREFIX = "cairn_";

export function generateKeySecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return KEY_PREFIX + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function hashKey(secret: string): string {
  return sha256Hex(`cairn-api-key\n${secret}`);
}

/** Compares two strings without leaking where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
