/**
 * @module The performance table: one row per goal of issue 5, each a Cairn figure against a limit measured in
 * the same run, their ratio, the goal, and whether it is met. Missing figures show as "—" and "not measured".
 */
import type { BenchResults } from "../lib/context.ts";
import { formatBytes, formatCount, formatNumber, formatSeconds } from "./format.ts";

export interface Row {
  workload: string;
  cairn: string;
  limit: string;
  ratio: string;
  goal: string;
  met: "yes" | "no" | "—" | "not measured";
}

type Figures = Record<string, Record<string, unknown> | undefined>;

function num(figures: Figures, step: string, field: string): number | undefined {
  const value = figures[step]?.[field];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function verdict(ok: boolean | undefined): Row["met"] {
  if (ok === undefined) return "not measured";
  return ok ? "yes" : "no";
}

const mbs = (value: number | undefined) => (value === undefined ? "—" : `${formatNumber(value)} MB/s`);
const perSec = (value: number | undefined, what: string) =>
  value === undefined ? "—" : `${formatNumber(value)} ${what}/s`;
const secs = (value: number | undefined) => (value === undefined ? "—" : formatSeconds(value));
const times = (value: number | undefined) => (value === undefined ? "—" : `${value.toFixed(2)}×`);
const mb = (bytes: number | undefined) => (bytes === undefined ? "—" : `${formatNumber(bytes / 1e6)} MB`);

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

export function buildRows(results: BenchResults): Row[] {
  const w = results.workloads as Figures;
  const l = results.limits as Figures;
  const s = results.sizes;
  const big = formatBytes(s.bigFileBytes);
  const tree = `${formatCount(s.smallFiles)} × ${formatBytes(s.smallFileBytes)}`;
  const rows: Row[] = [];

  const putRatio = ratio(num(w, "bigPut", "mbPerSecond"), num(l, "rawMultipartPut", "mbPerSecond"));
  rows.push({
    workload: `${big} cold put, verification included`,
    cairn: mbs(num(w, "bigPut", "mbPerSecond")),
    limit: `raw multipart PUT ${mbs(num(l, "rawMultipartPut", "mbPerSecond"))}`,
    ratio: times(putRatio),
    goal: "≥ 0.5×",
    met: verdict(putRatio === undefined ? undefined : putRatio >= 0.5),
  });

  const getRatio = ratio(num(w, "bigGet", "mbPerSecond"), num(l, "rawGetBig", "mbPerSecond"));
  rows.push({
    workload: `${big} get (empty dir, empty cache)`,
    cairn: mbs(num(w, "bigGet", "mbPerSecond")),
    limit: `raw presigned GET ${mbs(num(l, "rawGetBig", "mbPerSecond"))}`,
    ratio: times(getRatio),
    goal: "≥ 0.5×",
    met: verdict(getRatio === undefined ? undefined : getRatio >= 0.5),
  });

  const cachedRatio = ratio(num(w, "bigGetCached", "seconds"), num(l, "cpBigFile", "seconds"));
  rows.push({
    workload: `${big} get again (cache)`,
    cairn: secs(num(w, "bigGetCached", "seconds")),
    limit: `cp ${secs(num(l, "cpBigFile", "seconds"))}`,
    ratio: times(cachedRatio),
    goal: "≤ 3× cp time",
    met: verdict(cachedRatio === undefined ? undefined : cachedRatio <= 3),
  });

  const treePutRatio = ratio(
    num(w, "treePut", "objectsPerSecond"),
    num(l, "rawSinglePuts", "objectsPerSecond"),
  );
  rows.push({
    workload: `${tree} cold put`,
    cairn: perSec(num(w, "treePut", "objectsPerSecond"), "files"),
    limit: `raw presigned PUTs ${perSec(num(l, "rawSinglePuts", "objectsPerSecond"), "objects")}`,
    ratio: times(treePutRatio),
    goal: "≥ 0.5×",
    met: verdict(treePutRatio === undefined ? undefined : treePutRatio >= 0.5),
  });

  const treeGetRatio = ratio(num(w, "treeGet", "objectsPerSecond"), num(l, "rawGetTree", "objectsPerSecond"));
  rows.push({
    workload: `${tree} get`,
    cairn: perSec(num(w, "treeGet", "objectsPerSecond"), "files"),
    limit: `raw presigned GETs ${perSec(num(l, "rawGetTree", "objectsPerSecond"), "objects")}`,
    ratio: times(treeGetRatio),
    goal: "(none set)",
    met: "—",
  });

  const reputSeconds = num(w, "treeReput", "seconds");
  const reputRatio = ratio(reputSeconds, num(l, "statWalkTree", "seconds"));
  const reputBytes = num(w, "treeReput", "uploadedBytes");
  rows.push({
    workload: `unchanged re-put of ${formatCount(s.smallFiles)} files`,
    cairn: `${secs(reputSeconds)}, ${reputBytes === undefined ? "—" : formatNumber(reputBytes, 0)} bytes up`,
    limit: `stat-walk ${secs(num(l, "statWalkTree", "seconds"))}`,
    ratio: times(reputRatio),
    goal: "≤ 2×, 0 bytes uploaded",
    met: verdict(reputRatio === undefined ? undefined : reputRatio <= 2 && reputBytes === 0),
  });

  const incremental = num(w, "incremental", "seconds");
  rows.push({
    workload: `incremental 1-of-${formatCount(s.incrementalEntries)} (--base)`,
    cairn: secs(incremental),
    limit: "—",
    ratio: "—",
    goal: "≤ 2 s end to end",
    met: verdict(incremental === undefined ? undefined : incremental <= 2),
  });

  const commit = num(w, "commit", "seconds");
  rows.push({
    workload: `${formatCount(s.commitEntries)}-entry commit (blobs present)`,
    cairn: secs(commit),
    limit: "—",
    ratio: "—",
    goal: "≤ 10 s",
    met: verdict(commit === undefined ? undefined : commit <= 10),
  });

  const large = num(w, "commitLarge", "seconds");
  const scale = s.commitLargeEntries / s.commitEntries;
  const largeRatio = ratio(large, commit);
  rows.push({
    workload: `${formatCount(s.commitLargeEntries)}-entry commit`,
    cairn: secs(large),
    limit: `${formatCount(s.commitEntries)} commit ${secs(commit)}`,
    ratio: times(largeRatio),
    goal: `≤ ${(1.2 * scale).toFixed(0)}× the ${formatCount(s.commitEntries)} time`,
    met: verdict(largeRatio === undefined ? undefined : largeRatio <= 1.2 * scale),
  });

  const aliasRatio = ratio(
    num(w, "rateAliasResolution", "requestsPerSecond"),
    num(l, "rateDurableObject", "requestsPerSecond"),
  );
  rows.push({
    workload: `alias resolution (${s.rateConnections} clients, ${s.rateSeconds} s)`,
    cairn: perSec(num(w, "rateAliasResolution", "requestsPerSecond"), "req"),
    limit: `DO route ${perSec(num(l, "rateDurableObject", "requestsPerSecond"), "req")} (health ${perSec(num(l, "rateHealth", "requestsPerSecond"), "req")})`,
    ratio: times(aliasRatio),
    goal: "≥ 0.7×",
    met: verdict(aliasRatio === undefined ? undefined : aliasRatio >= 0.7),
  });

  for (const [stepName, label] of [
    ["bigPut", `CLI peak RSS, ${big} put`],
    ["bigGet", `CLI peak RSS, ${big} get`],
    ["treePut", `CLI peak RSS, ${tree} put`],
    ["treeGet", `CLI peak RSS, ${tree} get`],
  ] as const) {
    const rss = num(w, stepName, "peakRssBytes");
    rows.push({
      workload: label,
      cairn: mb(rss),
      limit: "—",
      ratio: "—",
      goal: "< 300 MB",
      met: verdict(rss === undefined ? undefined : rss < 300e6),
    });
  }

  const logs = w.concurrentLogs;
  rows.push({
    workload: `${s.concurrentLogs} concurrent logs to one artifact`,
    cairn: secs(num(w, "concurrentLogs", "seconds")),
    limit: "—",
    ratio: "—",
    goal: `gapless v0..v${s.concurrentLogs - 1}`,
    met: verdict(logs === undefined ? undefined : logs.gapless === true),
  });

  for (const [peerStep, cairnPut, cairnReput, label] of [
    ["resticBigFile", "bigPut", undefined, big],
    ["resticTree", "treePut", "treeReput", tree],
  ] as const) {
    const cold = num(l, peerStep, "coldSeconds");
    const unchanged = num(l, peerStep, "unchangedSeconds");
    const cairnCold = num(w, cairnPut, "seconds");
    rows.push({
      workload: `peer: restic backup ${label}, cold`,
      cairn: secs(cairnCold),
      limit: `restic ${secs(cold)}`,
      ratio: times(ratio(cairnCold, cold)),
      goal: "(peer, time ratio)",
      met: "—",
    });
    const cairnAgain = cairnReput ? num(w, cairnReput, "seconds") : undefined;
    rows.push({
      workload: `peer: restic backup ${label}, unchanged`,
      cairn: secs(cairnAgain),
      limit: `restic ${secs(unchanged)}`,
      ratio: times(ratio(cairnAgain, unchanged)),
      goal: "(peer, time ratio)",
      met: "—",
    });
  }
  return rows;
}

/** Every limit as measured, for the second table. */
export function limitLines(results: BenchResults): string[] {
  const l = results.limits as Figures;
  const s = results.sizes;
  const big = formatBytes(s.bigFileBytes);
  const lines: string[] = [];
  const add = (label: string, value: string | undefined) =>
    lines.push(`| ${label} | ${value ?? "not measured"} |`);
  const has = (k: string) => l[k] !== undefined;
  add(
    `sha256 (node:crypto) of the ${big} file`,
    has("hashBigFile") ? mbs(num(l, "hashBigFile", "mbPerSecond")) : undefined,
  );
  add(
    `sha256 of the ${formatCount(s.smallFiles)} small files (read + hash)`,
    has("hashTree") ? `${secs(num(l, "hashTree", "seconds"))}` : undefined,
  );
  add(
    `cp of the ${big} file`,
    has("cpBigFile")
      ? `${secs(num(l, "cpBigFile", "seconds"))} (${mbs(num(l, "cpBigFile", "mbPerSecond"))})`
      : undefined,
  );
  add(
    `cp -r of the ${formatCount(s.smallFiles)}-file tree`,
    has("cpTree") ? secs(num(l, "cpTree", "seconds")) : undefined,
  );
  add(
    "stat-walk of the tree (`find -type f -printf` size/mtime/inode)",
    has("statWalkTree") ? secs(num(l, "statWalkTree", "seconds")) : undefined,
  );
  add(
    "stat-walk of the tree by a fresh Node process (start-up included)",
    has("statWalkTreeNode") ? secs(num(l, "statWalkTreeNode", "seconds")) : undefined,
  );
  add(
    "`cairn --help` (CLI start-up), module cache warm / cold",
    has("cliStartup")
      ? `${secs(num(l, "cliStartup", "seconds"))} / ${secs(num(l, "cliStartup", "coldSeconds"))}`
      : undefined,
  );
  const mp = l.rawMultipartPut;
  add(
    `raw presigned multipart PUT of ${big}`,
    mp
      ? `${mbs(num(l, "rawMultipartPut", "mbPerSecond"))} (${String(mp.detail)}, concurrency ${String(mp.concurrency)})`
      : undefined,
  );
  const sp = l.rawSinglePuts;
  add(
    "raw presigned single PUTs of the small files",
    sp
      ? `${perSec(num(l, "rawSinglePuts", "objectsPerSecond"), "objects")} (concurrency ${String(sp.concurrency)})`
      : undefined,
  );
  add(
    `raw presigned GET of the ${big} object`,
    has("rawGetBig") ? mbs(num(l, "rawGetBig", "mbPerSecond")) : undefined,
  );
  add(
    "raw presigned GETs of the small objects",
    has("rawGetTree") ? perSec(num(l, "rawGetTree", "objectsPerSecond"), "objects") : undefined,
  );
  add(
    "`GET /health` (trivial Worker route)",
    has("rateHealth") ? perSec(num(l, "rateHealth", "requestsPerSecond"), "req") : undefined,
  );
  add(
    "`GET A/aliases` (trivial Durable Object call)",
    has("rateDurableObject") ? perSec(num(l, "rateDurableObject", "requestsPerSecond"), "req") : undefined,
  );
  return lines;
}
