import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearch } from 'wouter';
import { useAddressFilters } from '../address-filters';
import { api, data } from '../api';
import { ago } from '../format';
import { Status } from '../Status';

const FILTERS = ['namespace', 'type', 'status', 'cursor'] as const;
const PAGE = 100;
const REFRESH_MS = 1000;

const eventHref = (id: string, namespace: string) => `/events/${encodeURIComponent(id)}${namespace === 'default' ? '' : `?namespace=${encodeURIComponent(namespace)}`}`;

/** A namespace's events, newest first, live; filtered by type. */
export function Events() {
  const { filters, setFilter } = useAddressFilters('/events', FILTERS);
  const list = useQuery({
    queryKey: ['events', filters],
    queryFn: () => data(api.GET('/api/v1/events', { params: { query: { ...filters, limit: String(PAGE) } as never } })),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  return (
    <section>
      <h1>Events</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        {(['namespace', 'type'] as const).map((name) => (
          <label key={name}>
            {name === 'type' ? 'Type' : 'Namespace'}
            <input name={name} defaultValue={filters[name] ?? ''} onKeyDown={(e) => e.key === 'Enter' && setFilter(name, e.currentTarget.value.trim())} onBlur={(e) => setFilter(name, e.currentTarget.value.trim())} />
          </label>
        ))}
        <label>
          Status
          <select name="status" value={filters.status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">any</option>
            <option value="pending">pending</option>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
          </select>
        </label>
      </form>
      {list.error && <p role="alert" className="error">{list.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Event</th>
            <th>Type</th>
            <th>Namespace</th>
            <th>Status</th>
            <th>Published</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={`${e.namespace}/${e.id}`}>
              <td>
                <Link href={eventHref(e.id, e.namespace)} className="mono">
                  {e.id}
                </Link>
              </td>
              <td>{e.type}</td>
              <td>{e.namespace}</td>
              <td>
                <Status value={e.status} />
              </td>
              <td title={e.created_at}>{ago(e.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && items.length === 0 && <p className="empty">No event matches.</p>}
      <nav className="pager" aria-label="Pages">
        {filters.cursor && (
          <button type="button" onClick={() => setFilter('cursor', '')}>
            ← Newest
          </button>
        )}
        {list.data?.next_cursor && (
          <button type="button" onClick={() => setFilter('cursor', list.data!.next_cursor!)}>
            Older →
          </button>
        )}
      </nav>
    </section>
  );
}

/** One event: its payload, and each delivery with its attempts; an ended delivery can be sent again. */
export function EventPage({ id }: { id: string }) {
  const namespace = new URLSearchParams(useSearch()).get('namespace') ?? 'default';
  const queries = useQueryClient();
  const [open, setOpen] = useState<string>();
  const event = useQuery({
    queryKey: ['event', namespace, id],
    queryFn: () => data(api.GET('/api/v1/events/{id}', { params: { path: { id }, query: { namespace } } })),
    refetchInterval: REFRESH_MS,
  });
  const resend = useMutation({
    mutationFn: (endpoint: string) => data(api.POST('/api/v1/events/{id}/resend', { params: { path: { id }, query: { namespace } }, body: { endpoint } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['event', namespace, id] }),
  });
  if (!event.data) return event.error ? <p role="alert" className="error">{event.error.message}</p> : <p>Loading…</p>;
  const e = event.data;
  return (
    <section>
      <p>
        <Link href="/events">← Events</Link>
      </p>
      <h1>Event {e.id}</h1>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{e.type}</dd>
        <dt>Namespace</dt>
        <dd>{e.namespace}</dd>
        <dt>Status</dt>
        <dd>
          <Status value={e.status} />
        </dd>
        <dt>Published</dt>
        <dd title={e.created_at}>{ago(e.created_at)}</dd>
      </dl>
      <h2>Payload</h2>
      <pre>{JSON.stringify(e.payload, null, 2)}</pre>
      <h2>Deliveries</h2>
      {resend.error && <p role="alert" className="error">{resend.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Endpoint</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Next attempt</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(e.deliveries ?? []).map((d) => (
            <tr key={d.id}>
              <td>
                <Link href={`/endpoints/${encodeURIComponent(d.endpoint)}`}>{d.endpoint}</Link>
              </td>
              <td>
                <Status value={d.status} />
              </td>
              <td>
                <button type="button" className="link" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? undefined : d.id)}>
                  {d.attempts} of {d.max_attempts}
                </button>
              </td>
              <td>{d.next_attempt_at ? new Date(d.next_attempt_at).toLocaleTimeString() : ''}</td>
              <td className="error-text">{d.last_error ?? ''}</td>
              <td>
                {(d.status === 'succeeded' || d.status === 'failed') && (
                  <button type="button" onClick={() => resend.mutate(d.endpoint)} disabled={resend.isPending} aria-label={`Resend to ${d.endpoint}`}>
                    Resend
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(e.deliveries ?? []).length === 0 && e.filter_errors.length === 0 && <p className="empty">No endpoint is subscribed to it.</p>}
      {e.filter_errors.length > 0 && (
        <section aria-label="Filters not evaluated">
          <h3>Not delivered: filters that could not be evaluated</h3>
          <ul>
            {e.filter_errors.map((f) => (
              <li key={f.endpoint}>
                <Link href={`/endpoints/${encodeURIComponent(f.endpoint)}`}>{f.endpoint}</Link> <span className="error-text">{f.error}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {(e.deliveries ?? [])
        .filter((d) => d.id === open)
        .map((d) => (
          <section key={d.id} aria-label={`Attempts to ${d.endpoint}`}>
            <h3>Attempts to {d.endpoint}</h3>
            <ol className="attempts compact">
              {(d.attempt_log ?? []).map((a) => (
                <li key={`${a.attempt}-${a.started_at}`}>
                  #{a.attempt} {new Date(a.started_at).toLocaleTimeString()} — {a.status_code ?? a.error_code} in {a.duration_ms} ms {a.error && <span className="error-text">{a.error}</span>}
                </li>
              ))}
            </ol>
          </section>
        ))}
    </section>
  );
}
