import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../api';
import { WindowChoice, type Span } from '../WindowChoice';
import { ago, localTime } from '../format';
import { ExecutionLink, Status } from '../Status';
import { RateBars } from '../RateBars';

const REFRESH_MS = 5000;
const SHOWN = '50';

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

/** How an endpoint's calls went: its success rate over the last hour and day, and its latest attempts with where each came from. */
export function EndpointDeliveries({ name }: { name: string }) {
  const [span, setSpan] = useState<Span>('24h');
  const path = { path: { name } };
  const stats = useQuery({
    queryKey: ['endpoint-stats', name, span],
    queryFn: () => data(api.GET('/api/v1/endpoints/{name}/stats', { params: { ...path, query: { window: span } } })),
    refetchInterval: REFRESH_MS,
  });
  const attempts = useQuery({
    queryKey: ['endpoint-attempts', name],
    queryFn: () => data(api.GET('/api/v1/endpoints/{name}/attempts', { params: { ...path, query: { limit: SHOWN } } })),
    refetchInterval: REFRESH_MS,
  });
  const s = stats.data;
  return (
    <section aria-labelledby="deliveries-title">
      <div className="title-row">
        <h2 id="deliveries-title">Deliveries</h2>
        <WindowChoice value={span} onChange={setSpan} />
      </div>
      {s && (
        <div className="cards">
          <div className="card" aria-label="Success rate">
            <div className="muted small">Success rate</div>
            <div className="big">{percent(s.success_rate)}</div>
            <div className="muted small">
              {s.succeeded} of {s.attempts} attempts
            </div>
          </div>
          <div className="card" aria-label="Failed">
            <div className="muted small">Failed</div>
            <div className="big">{s.failed}</div>
          </div>
          <div className="card" aria-label="Last success">
            <div className="muted small">Last success</div>
            <div className="big">{ago(s.last_success_at)}</div>
            <div className="muted small">last attempt {ago(s.last_attempt_at)}</div>
          </div>
        </div>
      )}
      {s && <RateBars stats={s} now={Date.now()} />}
      <table className="list" aria-label="Recent attempts">
        <thead>
          <tr>
            <th>Started</th>
            <th>Outcome</th>
            <th>Status</th>
            <th>Time</th>
            <th>Job</th>
            <th>Task</th>
            <th>Execution</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {attempts.data?.items.map((a) => (
            <tr key={a.id}>
              <td>{localTime(a.started_at)}</td>
              <td>
                <Status value={a.succeeded ? 'succeeded' : 'failed'} />
              </td>
              <td>{a.status_code ?? '–'}</td>
              <td>{a.duration_ms} ms</td>
              {a.event !== undefined ? (
                <>
                  <td>event</td>
                  <td>
                    <Link href={`/events/${encodeURIComponent(a.event)}`} className="mono">
                      {a.event}
                    </Link>
                  </td>
                  <td />
                </>
              ) : (
                <>
                  <td>
                    <Link href={`/jobs/${encodeURIComponent(a.job_id)}`}>{a.job_id}</Link>
                  </td>
                  <td>{a.task ?? `notify #${(a.notification ?? 0) + 1}`}</td>
                  <td>
                    <ExecutionLink id={a.execution_id} />
                  </td>
                </>
              )}
              <td className="small">{a.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {attempts.data?.items.length === 0 && <p className="empty">Nothing has been sent through this endpoint yet.</p>}
    </section>
  );
}
