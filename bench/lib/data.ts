/**
 * @module Seeded benchmark data: pseudo-random bytes from AES-256-CTR over zeros (key = sha256 of a seed),
 * so a 1 GiB file takes about a second to write and every run (and every machine) gets identical bytes.
 */
import { createCipheriv, createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

const CHUNK = 8 * 1024 * 1024;

/** A deterministic byte source: `read(n)` returns the next n bytes of the stream for this seed. */
export class SeededBytes {
  private readonly cipher;
  private readonly zeros = Buffer.alloc(CHUNK);

  constructor(seed: string) {
    const key = createHash("sha256").update(`cairn-bench:${seed}`).digest();
    // A fixed IV is fine: this is a PRNG, not encryption.
    this.cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  }

  read(n: number): Buffer {
    if (n <= CHUNK) return this.cipher.update(this.zeros.subarray(0, n));
    const parts: Buffer[] = [];
    for (let left = n; left > 0; left -= CHUNK) parts.push(this.read(Math.min(left, CHUNK)));
    return Buffer.concat(parts);
  }
}

/** Writes one file of `size` seeded bytes, in 8 MiB writes (never the whole file in memory). */
export function writeSeededFile(file: string, size: number, seed: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const bytes = new SeededBytes(seed);
  const fd = openSync(file, "w");
  try {
    for (let left = size; left > 0; left -= CHUNK) writeSync(fd, bytes.read(Math.min(left, CHUNK)));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `count` files of `size` bytes as `dir/dNNN/fNNNNN.bin`, 100 files per directory (a layout like a
 * sharded dataset), each with distinct content. Returns the relative paths in creation order.
 */
export function writeSeededTree(dir: string, count: number, size: number, seed: string): string[] {
  const bytes = new SeededBytes(seed);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const sub = `d${String(Math.floor(i / 100)).padStart(3, "0")}`;
    if (i % 100 === 0) mkdirSync(path.join(dir, sub), { recursive: true });
    const rel = `${sub}/f${String(i).padStart(6, "0")}.bin`;
    writeFileSync(path.join(dir, rel), bytes.read(size));
    paths.push(rel);
  }
  return paths;
}

/** sha256 (hex) of a string: fake but well-formed digests for uploads that must never match real data. */
export function fakeDigest(label: string): string {
  return createHash("sha256").update(`cairn-bench-fake:${label}`).digest("hex");
}
