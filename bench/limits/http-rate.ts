/**
 * @module Request rate of one route under load: `wrk` (Debian package) with 50 connections on 2 threads for
 * a fixed time; a plain Node loop of 50 concurrent fetches stands in when wrk is missing (and says so).
 */
import { execFileSync } from "node:child_process";
import { runChecked } from "../lib/child.ts";
import { round } from "../lib/timing.ts";

export interface RateResult {
  url: string;
  tool: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  non2xx: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

function hasWrk(): boolean {
  try {
    execFileSync("which", ["wrk"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function toMs(value: string | undefined, unit: string | undefined): number | null {
  if (!value || !unit) return null;
  const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60000 };
  return round(Number(value) * (scale[unit] ?? Number.NaN), 3);
}

export async function requestRate(
  url: string,
  apiKey: string,
  connections: number,
  seconds: number,
): Promise<RateResult> {
  if (!hasWrk()) return nodeRate(url, apiKey, connections, seconds);
  const run = await runChecked(
    "wrk",
    ["-t2", `-c${connections}`, `-d${seconds}s`, "--latency", "-H", `Authorization: Bearer ${apiKey}`, url],
    { measureRss: false, timeoutMs: (seconds + 30) * 1000 },
  );
  const out = run.stdout;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  const p50 = /\s50%\s+([\d.]+)(us|ms|s|m)\b/.exec(out);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)\b/.exec(out);
  return {
    url,
    tool: `wrk -t2 -c${connections} -d${seconds}s${errors ? ` (socket errors: ${errors})` : ""}`,
    connections,
    seconds,
    requests,
    requestsPerSecond: round(rps, 1),
    non2xx,
    latencyP50Ms: toMs(p50?.[1], p50?.[2]),
    latencyP99Ms: toMs(p99?.[1], p99?.[2]),
  };
}

async function nodeRate(
  url: string,
  apiKey: string,
  connections: number,
  seconds: number,
): Promise<RateResult> {
  const deadline = Date.now() + seconds * 1000;
  let requests = 0;
  let non2xx = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
        await response.arrayBuffer();
        requests++;
        if (response.status >= 400) non2xx++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    url,
    tool: `node fetch loop, ${connections} concurrent (wrk not installed)`,
    connections,
    seconds: round(elapsed),
    requests,
    requestsPerSecond: round(requests / elapsed, 1),
    non2xx,
    latencyP50Ms: null,
    latencyP99Ms: null,
  };
}
