/** @module Small shared pieces of the pages: formatting, CSRF field, pills, notices, JSON tree. */
import type { Child } from "hono/jsx";
import { CSRF_FIELD, type WebSession } from "./session.ts";

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes)) return "–";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

export function formatTime(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "–";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function Time(props: { value: number | string | null | undefined }) {
  const text = formatTime(props.value);
  const iso = props.value === null || props.value === undefined ? undefined : new Date(props.value);
  return <time datetime={iso && !Number.isNaN(iso.getTime()) ? iso.toISOString() : undefined}>{text}</time>;
}

export function CsrfField(props: { session: WebSession }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.session.csrf} />;
}

export function Pills(props: { items: readonly string[]; kind?: string }) {
  return (
    <>
      {props.items.map((item) => (
        <span class={props.kind ? `pill ${props.kind}` : "pill"}>{item}</span>
      ))}
    </>
  );
}

export function Notice(props: { kind?: "error" | "warn" | "info"; children?: Child }) {
  return (
    <div class={`notice ${props.kind ?? "info"}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

/** JSON as a nested, readable list; every key and value is text (escaped by JSX). */
export function JsonTree(props: { value: unknown; depth?: number }) {
  const { value } = props;
  const depth = props.depth ?? 0;
  if (value === null || typeof value !== "object") {
    return <code>{JSON.stringify(value)}</code>;
  }
  if (depth > 12) return <code>…</code>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return <code>{Array.isArray(value) ? "[]" : "{}"}</code>;
  return (
    <ul class="tree">
      {entries.slice(0, 500).map(([key, child]) => (
        <li>
          <span class="muted">{key}</span>: <JsonTree value={child} depth={depth + 1} />
        </li>
      ))}
      {entries.length > 500 ? <li class="muted">… {entries.length - 500} more</li> : null}
    </ul>
  );
}

/** Pretty JSON for a stored JSON text or value. */
export function parseJsonish(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
