import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data, type ApiError, type Endpoint } from '../api';
import { ago, toLocalInput } from '../format';
import { Status } from '../Status';

type Replayed = { dry_run: boolean; resent: number; added: number; truncated: boolean };

/** How an endpoint stands with its events (state, circuit, failure streak), pause and resume, and the replay form. */
export function EndpointHealth({ endpoint }: { endpoint: Endpoint }) {
  const queries = useQueryClient();
  const { health } = endpoint;
  const toggle = useMutation({
    mutationFn: (verb: 'pause' | 'resume') =>
      data(api.POST(verb === 'pause' ? '/api/v1/endpoints/{name}/pause' : '/api/v1/endpoints/{name}/resume', { params: { path: { name: endpoint.name } } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['endpoint', endpoint.name] }),
  });
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <Status value={health.state} /> {health.reason && <span>{health.reason}</span>} {health.since && <span title={health.since}>since {ago(health.since)}</span>}
        </dd>
        <dt>Circuit</dt>
        <dd>
          <Status value={health.circuit} /> {health.next_probe_at && <span title={health.next_probe_at}>next probe {new Date(health.next_probe_at).toLocaleTimeString()}</span>}
        </dd>
        <dt>Failures in a row</dt>
        <dd>
          {health.failure_streak} {health.failing_since && <span title={health.failing_since}>since {ago(health.failing_since)}</span>}
        </dd>
      </dl>
      <div className="actions">
        {health.state === 'active' ? (
          <button type="button" onClick={() => toggle.mutate('pause')} disabled={toggle.isPending}>
            Pause
          </button>
        ) : (
          <button type="button" onClick={() => toggle.mutate('resume')} disabled={toggle.isPending}>
            {health.state === 'disabled' ? 'Enable' : 'Resume'}
          </button>
        )}
      </div>
      {toggle.error && <p role="alert" className="error">{toggle.error.message}</p>}
      <ReplayForm name={endpoint.name} namespace={endpoint.namespace ?? 'default'} />
    </section>
  );
}

/** Replay: what the filter picks is counted first (a dry run), and sent only when asked, with that count shown. */
function ReplayForm({ name, namespace }: { name: string; namespace: string }) {
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 86_400_000).toISOString()));
  const [type, setType] = useState('');
  const [status, setStatus] = useState<'failed' | 'succeeded' | 'all' | 'none'>('failed');
  const [missing, setMissing] = useState(false);
  const [skipReceived, setSkipReceived] = useState(false);
  const [counted, setCounted] = useState<Replayed>();
  const [sent, setSent] = useState<Replayed>();
  const body = (dryRun: boolean) => ({
    namespace, endpoint: name, since: new Date(since).toISOString(), status, missing, skip_received: skipReceived, dry_run: dryRun, ...(type ? { type } : {}),
  });
  const run = useMutation({
    mutationFn: async (dryRun: boolean) => {
      const { data: result, error } = await api.POST('/api/v1/replays', { body: body(dryRun) });
      if (error) throw new Error((error as ApiError).error.message);
      return result as Replayed;
    },
    onSuccess: (result) => (result.dry_run ? (setCounted(result), setSent(undefined)) : (setSent(result), setCounted(undefined))),
  });
  const changed = () => setCounted(undefined);
  const count = (event: FormEvent) => {
    event.preventDefault();
    run.mutate(true);
  };
  const total = counted ? counted.resent + counted.added : 0;
  return (
    <form className="form" onSubmit={count} aria-labelledby="replay-title">
      <h2 id="replay-title">Replay</h2>
      <div className="field">
        <label htmlFor="replay-since">Events since</label>
        <input id="replay-since" type="datetime-local" value={since} onChange={(e) => (setSince(e.target.value), changed())} />
      </div>
      <div className="field">
        <label htmlFor="replay-type">Event type (or prefix.*; empty for all)</label>
        <input id="replay-type" value={type} onChange={(e) => (setType(e.target.value.trim()), changed())} />
      </div>
      <div className="field">
        <label htmlFor="replay-status">Deliveries to send again</label>
        <select id="replay-status" value={status} onChange={(e) => (setStatus(e.target.value as typeof status), changed())}>
          <option value="failed">failed</option>
          <option value="succeeded">succeeded</option>
          <option value="all">all that ended</option>
          <option value="none">none</option>
        </select>
      </div>
      <label className="switch">
        <input type="checkbox" checked={missing} onChange={(e) => (setMissing(e.target.checked), changed())} /> Also events it never had
      </label>
      <label className="switch">
        <input type="checkbox" checked={skipReceived} onChange={(e) => (setSkipReceived(e.target.checked), changed())} /> Skip events it once received
      </label>
      <div className="actions">
        <button type="submit" disabled={run.isPending}>
          Count
        </button>
        {counted && total > 0 && (
          <button type="button" onClick={() => run.mutate(false)} disabled={run.isPending}>
            Send {total} {total === 1 ? 'delivery' : 'deliveries'}
          </button>
        )}
      </div>
      {counted && (
        <p role="status">
          {total === 0 ? 'Nothing to send.' : `${counted.resent} to send again${counted.added > 0 ? `, ${counted.added} never sent before` : ''}.`}
          {counted.truncated && ' More match than one replay sends.'}
        </p>
      )}
      {sent && <p role="status">Sent {sent.resent + sent.added} deliveries.</p>}
      {run.error && <p role="alert" className="error">{run.error.message}</p>}
    </form>
  );
}
