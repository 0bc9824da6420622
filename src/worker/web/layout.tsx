/** @module The page frame: head (one stylesheet, one small script), top bar with the session, breadcrumbs. */
import type { Child } from "hono/jsx";
import { JS_PATH } from "./script.ts";
import { CSRF_FIELD, type WebSession } from "./session.ts";
import { CSS_PATH } from "./styles.ts";

export interface Crumb {
  label: string;
  href?: string;
}

export interface LayoutProps {
  title: string;
  session?: WebSession | null;
  crumbs?: Crumb[];
  /** Use the whole window width (the lineage graph). */
  wide?: boolean;
  children?: Child;
}

export function Layout(props: LayoutProps) {
  const { session } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Cairn`}</title>
        <link rel="stylesheet" href={CSS_PATH} />
        <script src={JS_PATH} defer />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">
            Cairn
          </a>
          {session ? <a href={`/t/${encodeURIComponent(session.team)}`}>{session.team}</a> : null}
          {session ? (
            <span class="who">
              <span>
                signed in as <strong>{session.role}</strong>
              </span>
              <form method="post" action="/logout">
                <input type="hidden" name={CSRF_FIELD} value={session.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </span>
          ) : null}
        </header>
        <main class={props.wide ? "wide" : undefined}>
          {props.crumbs && props.crumbs.length > 0 ? (
            <nav class="crumbs" aria-label="breadcrumbs">
              {props.crumbs.map((crumb, i) => (
                <>
                  {i > 0 ? " / " : ""}
                  {crumb.href ? <a href={crumb.href}>{crumb.label}</a> : <span>{crumb.label}</span>}
                </>
              ))}
            </nav>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}
