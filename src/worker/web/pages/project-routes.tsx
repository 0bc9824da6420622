/** @module Team and project pages: the project list, a project's artifacts grouped by type, a run. */
import { Hono } from "hono";
import type { ArtifactView, VersionView } from "../../../shared/views.ts";
import type { AppEnv } from "../../context.ts";
import { apiCall } from "../api-client.ts";
import { formatBytes, formatCount, JsonTree, Notice, Pills, Time } from "../components.tsx";
import { render, sessionOf } from "../context.ts";
import { Layout } from "../layout.tsx";
import type { ProjectView, RunView } from "../types.ts";
import { refAddress, urls } from "../urls.ts";

export const projectPages = new Hono<AppEnv>();

projectPages.get("/t/:team", async (c) => {
  const session = sessionOf(c);
  const team = c.req.param("team");
  const { projects } = await apiCall<{ projects: ProjectView[] }>(
    c,
    session.apiKey,
    "GET",
    `/teams/${encodeURIComponent(team)}/projects`,
  );
  return render(
    c,
    <Layout title={team} session={session} crumbs={[{ label: team }]}>
      <h1>Projects</h1>
      {projects.length === 0 ? <Notice>No projects yet. Create one with the CLI or the API.</Notice> : null}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Project</th>
              <th class="hide-narrow">Description</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr>
                <td>
                  <a href={urls.project(team, p.name)}>{p.name}</a>
                </td>
                <td class="hide-narrow">{p.description}</td>
                <td>
                  <Time value={p.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>,
  );
});

function aliasNames(aliases: ArtifactView["aliases"]): string[] {
  return aliases.map((a) => `${a.alias} → v${a.version}`);
}

projectPages.get("/t/:team/:project", async (c) => {
  const session = sessionOf(c);
  const team = c.req.param("team");
  const project = c.req.param("project");
  const q = (c.req.query("q") ?? "").trim().toLowerCase();
  const base = urls.apiProject(team, project);
  const [projectAnswer, artifactAnswer, runAnswer] = await Promise.all([
    apiCall<{ project: ProjectView }>(c, session.apiKey, "GET", base),
    apiCall<{ artifacts: ArtifactView[] }>(c, session.apiKey, "GET", `${base}/artifacts`),
    apiCall<{ runs: RunView[] }>(c, session.apiKey, "GET", `${base}/runs`, { query: { limit: 20 } }).catch(
      () => ({ runs: [] as RunView[] }),
    ),
  ]);
  const artifacts = artifactAnswer.artifacts.filter((a) => q === "" || a.name.toLowerCase().includes(q));
  const byType = new Map<string, ArtifactView[]>();
  for (const artifact of artifacts)
    byType.set(artifact.type, [...(byType.get(artifact.type) ?? []), artifact]);
  return render(
    c,
    <Layout
      title={project}
      session={session}
      crumbs={[{ label: team, href: urls.team(team) }, { label: project }]}
    >
      <h1>{projectAnswer.project.name}</h1>
      {projectAnswer.project.description ? <p>{projectAnswer.project.description}</p> : null}
      <form class="toolbar" method="get">
        <input type="search" name="q" value={c.req.query("q") ?? ""} placeholder="Filter artifacts by name" />
        <button type="submit" class="secondary">
          Search
        </button>
        {q ? <a href={urls.project(team, project)}>clear</a> : null}
      </form>
      {artifacts.length === 0 ? (
        <Notice>
          {q ? "No artifact matches that name." : "No artifacts yet: log one with the SDK or the CLI."}
        </Notice>
      ) : null}
      {[...byType.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, list]) => (
          <section>
            <h2>
              {type} <span class="muted">({list.length})</span>
            </h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Artifact</th>
                    <th>Latest</th>
                    <th>Aliases</th>
                    <th class="num">Size</th>
                    <th class="num hide-narrow">Files</th>
                    <th class="num hide-narrow">Versions</th>
                    <th>Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((a) => (
                    <tr>
                      <td>
                        <a href={urls.artifact({ team, project, artifact: a.name })}>{a.name}</a>
                      </td>
                      <td>
                        {a.latest ? (
                          <a href={urls.version({ team, project, artifact: a.name }, a.latest.version)}>
                            v{a.latest.version}
                          </a>
                        ) : (
                          "–"
                        )}
                      </td>
                      <td>
                        <Pills items={aliasNames(a.aliases)} />
                      </td>
                      <td class="num">{formatBytes(a.latest?.size)}</td>
                      <td class="num hide-narrow">{a.latest ? formatCount(a.latest.files) : "–"}</td>
                      <td class="num hide-narrow">{a.versionCount}</td>
                      <td>
                        <Time value={a.updatedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
      <h2>Recent runs</h2>
      {runAnswer.runs.length === 0 ? <p class="muted">No runs yet.</p> : null}
      {runAnswer.runs.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Run</th>
                <th>Job type</th>
                <th>Status</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {runAnswer.runs.map((r) => (
                <tr>
                  <td>
                    <a href={urls.run(team, project, r.id)}>{r.name || r.id}</a>
                  </td>
                  <td>{r.jobType}</td>
                  <td>
                    <span class={`pill status-${r.status}`}>{r.status}</span>
                  </td>
                  <td>
                    <Time value={r.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Layout>,
  );
});

function VersionList(props: { versions: VersionView[] }) {
  if (props.versions.length === 0) return <p class="muted">none</p>;
  return (
    <ul>
      {props.versions.map((v) => {
        const address = refAddress(v.ref);
        return (
          <li>
            {address ? <a href={urls.version(address, `v${v.version}`)}>{v.ref}</a> : v.ref}{" "}
            <span class="muted">{v.type}</span> <Pills items={v.aliases} />
          </li>
        );
      })}
    </ul>
  );
}

projectPages.get("/t/:team/:project/-/runs/:runId", async (c) => {
  const session = sessionOf(c);
  const team = c.req.param("team");
  const project = c.req.param("project");
  const runId = c.req.param("runId");
  const { run, inputs, outputs } = await apiCall<{
    run: RunView;
    inputs: VersionView[];
    outputs: VersionView[];
  }>(c, session.apiKey, "GET", `${urls.apiProject(team, project)}/runs/${encodeURIComponent(runId)}`);
  return render(
    c,
    <Layout
      title={`run ${run.name || run.id}`}
      session={session}
      crumbs={[
        { label: team, href: urls.team(team) },
        { label: project, href: urls.project(team, project) },
        { label: "runs" },
        { label: run.name || run.id },
      ]}
    >
      <h1>
        Run {run.name || run.id} <span class={`pill status-${run.status}`}>{run.status}</span>
      </h1>
      <div class="card">
        <dl class="facts">
          <dt>id</dt>
          <dd class="mono">{run.id}</dd>
          <dt>job type</dt>
          <dd>{run.jobType || "–"}</dd>
          <dt>group</dt>
          <dd>{run.group || "–"}</dd>
          <dt>started</dt>
          <dd>
            <Time value={run.createdAt} />
          </dd>
          <dt>finished</dt>
          <dd>
            <Time value={run.finishedAt} />
          </dd>
        </dl>
      </div>
      <h2>Inputs (used)</h2>
      <VersionList versions={inputs} />
      <h2>Outputs (logged)</h2>
      <VersionList versions={outputs} />
      <h2>Config</h2>
      <div class="card">
        <JsonTree value={run.config} />
      </div>
      {run.summary && Object.keys(run.summary).length > 0 ? (
        <>
          <h2>Summary</h2>
          <div class="card">
            <JsonTree value={run.summary} />
          </div>
        </>
      ) : null}
    </Layout>,
  );
});
