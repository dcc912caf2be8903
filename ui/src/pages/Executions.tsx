import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useAddressFilters } from '../address-filters';
import { Status, ExecutionLink } from '../Status';
import { api, data } from '../api';
import { ago, toLocalInput } from '../format';

const STATUSES = ['', 'pending', 'running', 'retrying', 'succeeded', 'failed'];
const TRIGGERS = ['', 'schedule', 'webhook', 'manual', 'retry'];
const FILTERS = ['status', 'job', 'namespace', 'trigger', 'since', 'until', 'error', 'cursor'] as const;
const PAGE = 100;
/** The list follows new executions without a reload. */
const REFRESH_MS = 1000;

/** Executions of every job, newest first, with the API's filters kept in the page's address. */
export function Executions() {
  const { filters, setFilter } = useAddressFilters('/executions', FILTERS);
  const list = useQuery({
    queryKey: ['executions', filters],
    queryFn: () => data(api.GET('/api/v1/executions', { params: { query: { ...filters, limit: String(PAGE) } as never } })),
    refetchInterval: REFRESH_MS,
    // The rows of the filters before stay until those of the new ones come: the table does not blink.
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  const more = list.data?.next_cursor ?? null;
  return (
    <section>
      <h1>Executions</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <Choice label="Status" name="status" values={STATUSES} value={filters.status ?? ''} onChange={setFilter} />
        <Choice label="Trigger" name="trigger" values={TRIGGERS} value={filters.trigger ?? ''} onChange={setFilter} />
        <Text label="Job" name="job" value={filters.job ?? ''} onChange={setFilter} />
        <Text label="Namespace" name="namespace" value={filters.namespace ?? ''} onChange={setFilter} />
        <Time label="Since" name="since" value={filters.since ?? ''} onChange={setFilter} />
        <Time label="Until" name="until" value={filters.until ?? ''} onChange={setFilter} />
        <Text label="Error text" name="error" value={filters.error ?? ''} onChange={setFilter} />
      </form>
      {list.error && <p role="alert" className="error">{list.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Execution</th>
            <th>Job</th>
            <th>Status</th>
            <th>Trigger</th>
            <th>Attempts</th>
            <th>Created</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td>
                <ExecutionLink id={e.id} />
              </td>
              <td>{e.job_id}</td>
              <td>
                <Status value={e.status} />
              </td>
              <td>{e.trigger.type}</td>
              <td>{e.attempts}</td>
              <td title={e.created_at ?? ''}>{ago(e.created_at)}</td>
              <td className="error-text">{e.last_error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && items.length === 0 && <p className="empty">{more ? 'None of the newest executions searched matches.' : 'No execution matches.'}</p>}
      <nav className="pager" aria-label="Pages">
        {filters.cursor && (
          <button type="button" onClick={() => setFilter('cursor', '')}>
            ← Newest
          </button>
        )}
        {more && (
          <button type="button" onClick={() => setFilter('cursor', more)}>
            {items.length < PAGE ? 'Search older →' : 'Older →'}
          </button>
        )}
      </nav>
    </section>
  );
}

function Choice(props: { label: string; name: string; values: string[]; value: string; onChange: (name: string, value: string) => void }) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(props.name, e.target.value)}>
        {props.values.map((v) => (
          <option key={v} value={v}>
            {v || 'any'}
          </option>
        ))}
      </select>
    </label>
  );
}

function Text(props: { label: string; name: string; value: string; onChange: (name: string, value: string) => void }) {
  return (
    <label>
      {props.label}
      <input name={props.name} defaultValue={props.value} onKeyDown={(e) => e.key === 'Enter' && props.onChange(props.name, e.currentTarget.value.trim())} onBlur={(e) => props.onChange(props.name, e.currentTarget.value.trim())} />
    </label>
  );
}

/** A time filter: picked in the reader's time, kept in the address as RFC 3339. */
function Time(props: { label: string; name: string; value: string; onChange: (name: string, value: string) => void }) {
  const local = props.value ? toLocalInput(props.value) : '';
  return (
    <label>
      {props.label}
      <input type="datetime-local" name={props.name} value={local} onChange={(e) => props.onChange(props.name, e.target.value ? new Date(e.target.value).toISOString() : '')} />
    </label>
  );
}
