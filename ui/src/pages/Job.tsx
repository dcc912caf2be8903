import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { Status, ExecutionLink } from '../Status';
import { api, data, type ApiError, type Job } from '../api';
import { ago, localTime } from '../format';
import { scheduleInWords, scheduleText } from '../schedule-words';
import { EnabledSwitch } from './Jobs';

/** One job: its definition (YAML or JSON, editable), run it now, its executions and schedule ticks. */
export function JobPage({ id }: { id: string }) {
  const job = useQuery({ queryKey: ['job', id], queryFn: () => data(api.GET('/api/v1/jobs/{id}', { params: { path: { id } } })) });
  if (job.error) return <p role="alert" className="error">{job.error.message}</p>;
  if (!job.data) return <p>Loading…</p>;
  const j = job.data;
  return (
    <section>
      <p>
        <Link href="/jobs">← Jobs</Link>
      </p>
      <h1>{j.id}</h1>
      <dl className="facts">
        <dt>Namespace</dt>
        <dd>{j.namespace}</dd>
        <dt>Schedule</dt>
        <dd>
          <span className="mono">{scheduleText(j.schedule as never)}</span> <span className="muted">{scheduleInWords(j.schedule as never)}</span>
        </dd>
        <dt>Next run</dt>
        <dd>{localTime(j.next_run_at)}</dd>
        <dt>Last run</dt>
        <dd>{localTime(j.last_run_at)}</dd>
        <dt>Enabled</dt>
        <dd>
          <EnabledSwitch job={j} />
        </dd>
      </dl>
      <TriggerNow job={j} />
      <JobHooks job={j} />
      <Definition job={j} />
      <JobExecutions id={j.id} />
      {j.schedule && <Ticks id={j.id} />}
    </section>
  );
}

function TriggerNow({ job }: { job: Job }) {
  const [, navigate] = useLocation();
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string>();
  const run = useMutation({
    mutationFn: (value: unknown) => data(api.POST('/api/v1/jobs/{id}/trigger', { params: { path: { id: job.id } }, body: value as never })),
    onSuccess: (started) => navigate(`/executions/${started.id}`),
  });
  const submit = () => {
    setProblem(undefined);
    if (body.trim() === '') return run.mutate({});
    try {
      run.mutate(JSON.parse(body));
    } catch {
      setProblem('The body must be JSON.');
    }
  };
  return (
    <details className="panel">
      <summary>Trigger now</summary>
      <label htmlFor="trigger-body">Body (JSON, optional: the templates read it as trigger.body)</label>
      <textarea id="trigger-body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} placeholder='{"reason": "by hand"}' />
      <div className="actions">
        <button type="button" onClick={submit} disabled={run.isPending}>
          Run {job.id} now
        </button>
        {(problem ?? run.error?.message) && <span role="alert" className="error">{problem ?? run.error?.message}</span>}
      </div>
    </details>
  );
}

/** The fields the server shows but does not take: left out of what is edited. */
const SHOWN_ONLY = ['created_at', 'updated_at', 'next_run_at', 'last_run_at', 'last_status'];

function Definition({ job }: { job: Job }) {
  const queries = useQueryClient();
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const [draft, setDraft] = useState<string>();
  const [problem, setProblem] = useState<{ message: string; field?: string }>();
  const editable = Object.fromEntries(Object.entries(job).filter(([k]) => !SHOWN_ONLY.includes(k)));
  const text = format === 'yaml' ? toYaml(editable) : JSON.stringify(editable, null, 2);
  const save = useMutation({
    mutationFn: async (value: string) => {
      const { error, response } = await api.PUT('/api/v1/jobs/{id}', {
        params: { path: { id: job.id } },
        body: value as never,
        bodySerializer: (b: unknown) => b as string,
        headers: { 'content-type': format === 'yaml' ? 'application/yaml' : 'application/json' },
      });
      if (error) throw Object.assign(new Error((error as ApiError).error.message), { field: (error as ApiError).error.field });
      return response.headers.get('hookline-result');
    },
    onSuccess: () => {
      setDraft(undefined);
      setProblem(undefined);
      void queries.invalidateQueries({ queryKey: ['job', job.id] });
    },
    onError: (err: Error & { field?: string }) => setProblem({ message: err.message, field: err.field }),
  });
  const switchTo = (next: 'yaml' | 'json') => {
    if (draft !== undefined) {
      try {
        const value = format === 'yaml' ? parseYaml(draft) : JSON.parse(draft);
        setDraft(next === 'yaml' ? toYaml(value) : JSON.stringify(value, null, 2));
      } catch {
        return setProblem({ message: `The ${format.toUpperCase()} does not parse; fix it before switching.` });
      }
    }
    setFormat(next);
  };
  return (
    <>
      <div className="title-row">
        <h2>Definition</h2>
        <div role="group" aria-label="Format" className="segmented">
          <button type="button" aria-pressed={format === 'yaml'} onClick={() => switchTo('yaml')}>
            YAML
          </button>
          <button type="button" aria-pressed={format === 'json'} onClick={() => switchTo('json')}>
            JSON
          </button>
        </div>
      </div>
      <textarea className="code" aria-label="Definition" rows={Math.min(30, text.split('\n').length + 1)} value={draft ?? text} onChange={(e) => setDraft(e.target.value)} spellCheck={false} />
      {problem && (
        <p role="alert" className="error">
          {problem.field && <strong className="mono">{problem.field}</strong>} {problem.field ? problem.message.replace(`${problem.field}: `, '') : problem.message}
        </p>
      )}
      <div className="actions">
        <button type="button" disabled={draft === undefined || save.isPending} onClick={() => save.mutate(draft!)}>
          Save
        </button>
        <button type="button" className="quiet" disabled={draft === undefined} onClick={() => (setDraft(undefined), setProblem(undefined))}>
          Discard changes
        </button>
        {save.isSuccess && draft === undefined && <span className="muted">Saved ({save.data}).</span>}
      </div>
    </>
  );
}

function JobExecutions({ id }: { id: string }) {
  const list = useQuery({
    queryKey: ['job-executions', id],
    queryFn: () => data(api.GET('/api/v1/jobs/{id}/executions', { params: { path: { id }, query: { limit: '20' } } })),
    refetchInterval: 1000,
  });
  return (
    <>
      <h2>
        Executions <Link href={`/executions?job=${encodeURIComponent(id)}`} className="small">all</Link>
      </h2>
      <table className="list">
        <tbody>
          {list.data?.items.map((e) => (
            <tr key={e.id}>
              <td>
                <ExecutionLink id={e.id} />
              </td>
              <td>
                <Status value={e.status} />
              </td>
              <td>{e.trigger.type}</td>
              <td>{ago(e.created_at)}</td>
              <td className="error-text">{e.last_error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.items.length === 0 && <p className="empty">Not run yet.</p>}
    </>
  );
}

function Ticks({ id }: { id: string }) {
  const ticks = useQuery({ queryKey: ['ticks', id], queryFn: () => data(api.GET('/api/v1/jobs/{id}/ticks', { params: { path: { id }, query: { limit: '20' } } })) });
  return (
    <>
      <h2>Schedule ticks</h2>
      <table className="list">
        <tbody>
          {ticks.data?.items.map((t) => (
            <tr key={t.scheduled_for}>
              <td>{localTime(t.scheduled_for)}</td>
              <td>{t.status.replace('_', ' ')}</td>
              <td>{t.status === 'missed' ? `${t.missed_count} missed until ${localTime(t.missed_until)}` : t.execution_id ? <Link href={`/executions/${t.execution_id}`}>execution</Link> : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {ticks.data?.items.length === 0 && <p className="empty">No tick yet.</p>}
    </>
  );
}

/** The job's hooks, and a new one: its URL, with the key, is shown once, as the server answers it. */
function JobHooks({ job }: { job: Job }) {
  const queries = useQueryClient();
  const [secret, setSecret] = useState('');
  const [made, setMade] = useState<{ url: string; curl: string }>();
  const add = useMutation({
    mutationFn: async () => {
      const { created_at: _c, updated_at: _u, next_run_at: _n, last_run_at: _l, last_status: _s, ...spec } = job;
      const triggers = [...(job.triggers ?? []), { type: 'webhook', ...(secret ? { secret } : {}) }];
      const { data: saved, error } = await api.PUT('/api/v1/jobs/{id}', { params: { path: { id: job.id } }, body: { ...spec, triggers } as never });
      if (error) throw new Error((error as ApiError).error.message);
      return saved!;
    },
    onSuccess: (saved) => {
      const fresh = saved.triggers?.find((t) => !t.url.endsWith('/***'));
      if (fresh) {
        const url = `${window.location.origin}${fresh.url}`;
        const header = secret ? ` -H 'X-Webhook-Secret: ${secret}'` : '';
        setMade({ url, curl: `curl -X POST '${url}' -H 'content-type: application/json'${header} -d '{"message": "hello"}'` });
      }
      setSecret('');
      void queries.invalidateQueries({ queryKey: ['job', job.id] });
      void queries.invalidateQueries({ queryKey: ['hooks'] });
    },
  });
  return (
    <>
      <h2>Hooks</h2>
      <ul className="plain">
        {(job.triggers ?? []).map((t) => (
          <li key={t.id}>
            {t.hook_id ? <Link href={`/hooks/${t.hook_id}`}>{t.id}</Link> : t.id} <span className="mono small">{t.url}</span>{' '}
            <span className="muted">{t.enabled ? 'active' : 'disabled'}</span>
          </li>
        ))}
      </ul>
      {made && (
        <div className="panel" role="status" aria-label="New hook">
          <p>
            The hook's URL, with its key: copy it now, it is not shown again.
          </p>
          <div className="copy-row">
            <pre aria-label="New hook curl">{made.curl}</pre>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(made.curl)}>
              Copy
            </button>
          </div>
        </div>
      )}
      <details className="panel">
        <summary>Add a hook</summary>
        <label htmlFor="hook-secret">Secret (optional: callers send it as X-Webhook-Secret)</label>
        <input id="hook-secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        <div className="actions">
          <button type="button" onClick={() => add.mutate()} disabled={add.isPending}>
            Add hook
          </button>
          {add.error && <span role="alert" className="error">{add.error.message}</span>}
        </div>
      </details>
    </>
  );
}
