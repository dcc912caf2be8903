import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, data, type Hook } from '../api';
import { ago, localTime, shown } from '../format';

/** Kubiya's webhook table: every hook with its URL, job, status, times; a switch, a test, its calls. */
export function Hooks() {
  const hooks = useQuery({ queryKey: ['hooks'], queryFn: () => data(api.GET('/api/v1/hooks', { params: { query: { limit: '500' } } })), refetchInterval: 5000 });
  return (
    <section>
      <h1>Hooks</h1>
      {hooks.error && <p role="alert" className="error">{hooks.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Hook</th>
            <th>URL</th>
            <th>Job</th>
            <th>Status</th>
            <th>Created</th>
            <th>Last triggered</th>
          </tr>
        </thead>
        <tbody>
          {hooks.data?.items.map((h) => (
            <tr key={h.id}>
              <td>
                <Link href={`/hooks/${h.id}`}>{h.trigger_id}</Link>
              </td>
              <td className="mono small">{h.url}</td>
              <td>
                <Link href={`/jobs/${encodeURIComponent(h.job_id)}`}>{h.job_id}</Link>
              </td>
              <td>
                <HookSwitch hook={h} />
              </td>
              <td>{ago(h.created_at)}</td>
              <td>{ago(h.last_triggered_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hooks.data?.items.length === 0 && <p className="empty">No hook yet: give a job a trigger of type webhook.</p>}
    </section>
  );
}

function HookSwitch({ hook }: { hook: Hook }) {
  const queries = useQueryClient();
  const flip = useMutation({
    mutationFn: () => data(api.PATCH('/api/v1/hooks/{id}', { params: { path: { id: hook.id } }, body: { enabled: hook.status !== 'active' } })),
    onSuccess: () => Promise.all([queries.invalidateQueries({ queryKey: ['hooks'] }), queries.invalidateQueries({ queryKey: ['hook', hook.id] })]),
  });
  return (
    <label className="switch">
      <input type="checkbox" role="switch" checked={hook.status === 'active'} disabled={flip.isPending} onChange={() => flip.mutate()} aria-label={`${hook.job_id} ${hook.trigger_id} enabled`} />
      <span>{hook.status}</span>
    </label>
  );
}

/** The test event a hook gets unless another body is given: Kubiya's shape. */
const TEST_BODY = { message: 'Test event from Hookline', test: true };

/** One hook: its curl, a test event shown before it is sent, and every call it took. */
export function HookPage({ id }: { id: string }) {
  const hook = useQuery({ queryKey: ['hook', id], queryFn: () => data(api.GET('/api/v1/hooks/{id}', { params: { path: { id } } })) });
  if (hook.error) return <p role="alert" className="error">{hook.error.message}</p>;
  if (!hook.data) return <p>Loading…</p>;
  const h = hook.data;
  const curl = `curl -X POST '${window.location.origin}${h.url}' -H 'content-type: application/json' -d '{"message": "hello"}'`;
  return (
    <section>
      <p>
        <Link href="/hooks">← Hooks</Link>
      </p>
      <h1>
        {h.job_id} · {h.trigger_id}
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <HookSwitch hook={h} />
          {h.disabled_reason && <span className="muted"> {h.disabled_reason}</span>}
        </dd>
        <dt>Created</dt>
        <dd>{localTime(h.created_at)}</dd>
        <dt>Last triggered</dt>
        <dd>{localTime(h.last_triggered_at)}</dd>
      </dl>
      <h2>Call it</h2>
      <p className="muted small">The key shows as *** here: it is shown once, in the answer that made the hook. Add X-Webhook-Secret or a signature when the trigger asks for one.</p>
      <div className="copy-row">
        <pre aria-label="curl">{curl}</pre>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(curl)}>
          Copy
        </button>
      </div>
      <TestEvent id={h.id} />
      <Invocations id={h.id} />
    </section>
  );
}

function TestEvent({ id }: { id: string }) {
  const queries = useQueryClient();
  const [body, setBody] = useState(JSON.stringify(TEST_BODY, null, 2));
  const [problem, setProblem] = useState<string>();
  const send = useMutation({
    mutationFn: (value: unknown) => data(api.POST('/api/v1/hooks/{id}/test', { params: { path: { id } }, body: { body: value } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['invocations', id] }),
  });
  const submit = () => {
    setProblem(undefined);
    try {
      send.mutate(JSON.parse(body));
    } catch {
      setProblem('The test payload must be JSON.');
    }
  };
  return (
    <details className="panel">
      <summary>Test</summary>
      <label htmlFor="test-body">Test payload (sent through the hook's conditions)</label>
      <textarea id="test-body" className="code" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
      <div className="actions">
        <button type="button" onClick={submit} disabled={send.isPending}>
          Send test
        </button>
        {(problem ?? send.error?.message) && <span role="alert" className="error">{problem ?? send.error?.message}</span>}
        {send.data && (
          <span role="status">
            {send.data.result}
            {send.data.execution && (
              <>
                {' '}
                · <Link href={`/executions/${send.data.execution.id}`}>execution</Link>
              </>
            )}
          </span>
        )}
      </div>
    </details>
  );
}

function Invocations({ id }: { id: string }) {
  const calls = useQuery({
    queryKey: ['invocations', id],
    queryFn: () => data(api.GET('/api/v1/hooks/{id}/invocations', { params: { path: { id }, query: { limit: '50' } } })),
    refetchInterval: 1000,
  });
  return (
    <>
      <h2>Calls</h2>
      <table className="list">
        <thead>
          <tr>
            <th>Time</th>
            <th>Source</th>
            <th>Result</th>
            <th>Status</th>
            <th>Payload</th>
            <th>Execution</th>
          </tr>
        </thead>
        <tbody>
          {calls.data?.items.map((c) => (
            <tr key={c.id}>
              <td>{localTime(c.received_at)}</td>
              <td className="mono small">{c.source_ip ?? ''}</td>
              <td>
                {c.result}
                {c.test && <span className="muted"> (test)</span>}
                {c.reason && <div className="muted small">{c.reason}</div>}
              </td>
              <td>{c.status_code}</td>
              <td>
                <pre className="small">{shown(c.body)}</pre>
              </td>
              <td>{c.execution ? <Link href={`/executions/${c.execution.id}`}>{c.execution.status ?? 'open'}</Link> : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {calls.data?.items.length === 0 && <p className="empty">No call yet.</p>}
    </>
  );
}
