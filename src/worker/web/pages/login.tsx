/** @module The sign-in page: paste an API key. */
import { Notice } from "../components.tsx";
import { Layout } from "../layout.tsx";
import { CSRF_FIELD } from "../session.ts";

export function LoginPage(props: { csrf: string; next: string; error?: string }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <p class="muted">
        Paste an API key (<code>cairn_…</code>). Create one with <code>cairn keys create</code> or ask your
        team admin. The key stays in an encrypted, HttpOnly cookie for 12 hours.
      </p>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <form class="stack card" method="post" action="/login">
        <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label for="key">API key</label>
        <input id="key" type="password" name="key" autocomplete="off" required />
        <div>
          <button type="submit">Sign in</button>
        </div>
      </form>
    </Layout>
  );
}
