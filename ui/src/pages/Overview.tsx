import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../api';
import { WindowChoice, type Span } from '../WindowChoice';
import { StackedBars, SERIES } from '../StackedBars';

const REFRESH_MS = 5000;

/** Deliveries over the last hour or day by outcome, how they went, the backlog, what fails most, what runs next. */
export function Overview() {
  const [span, setSpan] = useState<Span>('1h');
  const overview = useQuery({
    queryKey: ['overview', span],
    queryFn: () => data(api.GET('/api/v1/overview', { params: { query: { window: span } } })),
    refetchInterval: REFRESH_MS,
  });
  const o = overview.data;
  return (
    <section>
      <div className="title-row">
        <h1>Overview</h1>
        <WindowChoice value={span} onChange={setSpan} />
      </div>
      {overview.error && <p role="alert" className="error">{overview.error.message}</p>}
      {o && (
        <>
          <div className="cards">
            <Card label="Deliveries" value={String(o.attempts)} />
            <Card label="Success rate" value={o.success_rate === null ? '–' : `${(o.success_rate * 100).toFixed(1)}%`} />
            <Card label="Delivery time p50 / p99" value={`${ms(o.duration_ms.p50)} / ${ms(o.duration_ms.p99)}`} />
            <Card label="Backlog" value={`${o.backlog.due} due`} detail={o.backlog.due > 0 ? `oldest waiting ${Math.round(o.backlog.oldest_due_age_seconds)}s` : 'nothing waiting'} />
          </div>
          <h2>Deliveries per {o.bucket_seconds === 60 ? 'minute' : `${o.bucket_seconds / 60} minutes`}</h2>
          <StackedBars buckets={o.buckets} />
          <ul className="legend" aria-label="Legend">
            {SERIES.map(([key, label]) => (
              <li key={key}>
                <span className={`swatch ${key}`} /> {label}
              </li>
            ))}
          </ul>
          <BucketNumbers buckets={o.buckets} />
          <div className="columns">
            <div>
              <h2>Failing most</h2>
              <table className="list" aria-label="Failing jobs">
                <tbody>
                  {o.failing_jobs.map((j) => (
                    <tr key={j.job_id}>
                      <td>
                        <Link href={`/executions?job=${encodeURIComponent(j.job_id)}&status=failed`}>{j.job_id}</Link>
                      </td>
                      <td>{j.failures} failed attempt{j.failures === 1 ? '' : 's'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {o.failing_jobs.length === 0 && <p className="empty">Nothing failed.</p>}
              {o.failing_endpoints.length > 0 && (
                <table className="list" aria-label="Failing endpoints">
                  <tbody>
                    {o.failing_endpoints.map((e) => (
                      <tr key={e.endpoint}>
                        <td>
                          <Link href={`/endpoints/${encodeURIComponent(e.endpoint)}`}>endpoint {e.endpoint}</Link>
                        </td>
                        <td>{e.failures} failed attempt{e.failures === 1 ? '' : 's'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <div>
              <h2>Next runs</h2>
              <table className="list" aria-label="Next runs">
                <tbody>
                  {o.next_runs.map((r) => (
                    <tr key={r.job_id}>
                      <td>
                        <Link href={`/jobs/${encodeURIComponent(r.job_id)}`}>{r.job_id}</Link>
                      </td>
                      <td>{new Date(r.at).toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {o.next_runs.length === 0 && <p className="empty">No schedule.</p>}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/** The chart's figures as a table, for reading them exactly or without seeing the chart. */
function BucketNumbers({ buckets }: { buckets: Parameters<typeof StackedBars>[0]['buckets'] }) {
  const shown = buckets.filter((b) => SERIES.some(([key]) => b[key] > 0));
  return (
    <details className="numbers">
      <summary>The numbers</summary>
      <table className="list" aria-label="Deliveries by time and outcome">
        <thead>
          <tr>
            <th>From</th>
            {SERIES.map(([key, label]) => (
              <th key={key}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((b) => (
            <tr key={b.at}>
              <td>{new Date(b.at).toLocaleTimeString()}</td>
              {SERIES.map(([key]) => (
                <td key={key}>{b[key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="empty">No delivery in this window.</p>}
    </details>
  );
}

const ms = (value: number | null) => (value === null ? '–' : value >= 1000 ? `≤${value / 1000}s` : `≤${value}ms`);

function Card({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="card" aria-label={label}>
      <div className="muted small">{label}</div>
      <div className="big">{value}</div>
      {detail && <div className="muted small">{detail}</div>}
    </div>
  );
}
