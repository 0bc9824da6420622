/** @module Error pages: not found, forbidden, conflicts and other API errors, rendered as HTML. */
import { Notice } from "../components.tsx";
import { Layout } from "../layout.tsx";
import type { WebSession } from "../session.ts";

export function ErrorPage(props: {
  session: WebSession | null;
  status: number;
  title: string;
  message: string;
  requestId?: string;
  back?: string;
}) {
  return (
    <Layout title={props.title} session={props.session}>
      <h1>{props.title}</h1>
      <Notice kind={props.status >= 500 ? "error" : "warn"}>{props.message}</Notice>
      {props.requestId ? <p class="muted">request id: {props.requestId}</p> : null}
      <p>
        <a href={props.back ?? "/"}>← back</a>
      </p>
    </Layout>
  );
}
