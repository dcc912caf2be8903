import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { Status } from '../Status';
import { api, data, type Attempt, type Execution } from '../api';
import { localTime, shown } from '../format';
import { TaskGraph } from '../TaskGraph';
import { Timeline } from '../Timeline';

const ENDED = new Set(['succeeded', 'failed']);
const REFRESH_MS = 1000;

/** One execution: what started it, its tasks, and every attempt's request and response. */
export function ExecutionPage({ id }: { id: string }) {
  const execution = useQuery({
    queryKey: ['execution', id],
    queryFn: () => data(api.GET('/api/v1/executions/{execution}', { params: { path: { execution: id } } })),
    refetchInterval: (query) => (query.state.data && ENDED.has(query.state.data.status) ? false : REFRESH_MS),
  });
  if (execution.error) return <p role="alert" className="error">{execution.error.message}</p>;
  if (!execution.data) return <p>Loading…</p>;
  const e = execution.data;
  return (
    <section>
      <p>
        <Link href="/executions">← Executions</Link>
      </p>
      <h1>
        {e.job_id} <span className="mono muted">{e.id}</span>
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <Status value={e.status} />
        </dd>
        <dt>Trigger</dt>
        <dd>{e.trigger.type}</dd>
        <dt>Attempts</dt>
        <dd>{e.attempts}</dd>
        <dt>Created</dt>
        <dd>{localTime(e.created_at)}</dd>
        <dt>Finished</dt>
        <dd>{localTime(e.finished_at)}</dd>
        {e.last_error && (
          <>
            <dt>Last error</dt>
            <dd className="error-text">{e.last_error}</dd>
          </>
        )}
      </dl>
      {e.trigger.type === 'event' ? (
        <p>
          This is an event published to endpoints:{' '}
          <Link href={`/events/${e.id}${e.namespace === 'default' ? '' : `?namespace=${encodeURIComponent(e.namespace)}`}`}>its deliveries</Link>.
        </p>
      ) : (
        <Actions execution={e} />
      )}
      <h2>Trigger input</h2>
      <pre aria-label="Trigger input">{shown(e.trigger.body) || '(no body)'}</pre>
      {e.tasks && e.tasks.length > 1 && <Tasks execution={e} />}
      {(e.attempt_log ?? []).length > 1 && (
        <>
          <h2>Timeline</h2>
          <Timeline attempts={e.attempt_log!} />
        </>
      )}
      <h2>Attempts</h2>
      {(e.attempt_log ?? []).length === 0 && <p className="empty">No attempt yet.</p>}
      <ol className="attempts">
        {(e.attempt_log ?? []).map((a) => (
          <AttemptView key={`${a.task ?? a.notification}-${a.attempt}-${a.started_at}`} attempt={a} />
        ))}
      </ol>
    </section>
  );
}

function Actions({ execution: e }: { execution: Execution }) {
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const retry = useMutation({
    mutationFn: () => data(api.POST('/api/v1/jobs/{id}/executions/{execution}/retry', { params: { path: { id: e.job_id, execution: e.id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['execution', e.id] }),
  });
  const again = useMutation({
    mutationFn: () => data(api.POST('/api/v1/jobs/{id}/trigger', { params: { path: { id: e.job_id } }, body: e.trigger.body ?? {} })),
    onSuccess: (started) => navigate(`/executions/${started.id}`),
  });
  const problem = retry.error ?? again.error;
  return (
    <div className="actions">
      <button type="button" disabled={e.status !== 'failed' || retry.isPending} onClick={() => retry.mutate()}>
        Retry failed tasks
      </button>
      <button type="button" disabled={again.isPending} onClick={() => again.mutate()}>
        Trigger the job again
      </button>
      {problem && <span role="alert" className="error">{problem.message}</span>}
    </div>
  );
}

function Tasks({ execution: e }: { execution: Execution }) {
  return (
    <>
      <h2>Tasks</h2>
      <TaskGraph tasks={e.tasks!} />
      <table className="list">
        <thead>
          <tr>
            <th>Task</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Duration</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {e.tasks!.map((t) => (
            <tr key={t.name}>
              <td>{t.name}</td>
              <td>
                <Status value={t.status} />
              </td>
              <td>
                {t.attempts} / {t.max_attempts}
              </td>
              <td>{t.duration_ms === null ? '–' : `${t.duration_ms} ms`}</td>
              <td className="error-text">{t.last_error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function AttemptView({ attempt: a }: { attempt: Attempt }) {
  const request = a.request;
  return (
    <li className="attempt" aria-label={`Attempt ${a.attempt}${a.task ? ` of ${a.task}` : ''}`}>
      <h3>
        Attempt {a.attempt}
        {a.task && <span className="muted"> · {a.task}</span>}
        {a.endpoint && (
          <span className="muted">
            {' '}
            via <Link href={`/endpoints/${encodeURIComponent(a.endpoint)}`}>{a.endpoint}</Link>
          </span>
        )}{' '}
        · <span className="status-code">{a.status_code ?? 'no answer'}</span> · {a.duration_ms} ms
        <span className="muted"> · {localTime(a.started_at)}</span>
      </h3>
      {a.error && <p className="error-text">{a.error}</p>}
      <div className="exchange">
        <div>
          <h4>Request</h4>
          <pre>
            {request.method} {request.url}
            {'\n'}
            {Object.entries(request.headers).map(([k, v]) => `${k}: ${v}\n`)}
            {request.body ? `\n${shown(request.body)}` : ''}
            {request.body_truncated ? '\n(cut at 64 KiB)' : ''}
          </pre>
        </div>
        <div>
          <h4>Response</h4>
          <pre aria-label="Response body">
            {Object.entries(a.response_headers ?? {}).map(([k, v]) => `${k}: ${v}\n`)}
            {a.response_body ? `\n${shown(a.response_body)}` : ''}
            {a.response_body_truncated ? '\n(cut at 64 KiB)' : ''}
          </pre>
        </div>
      </div>
    </li>
  );
}
