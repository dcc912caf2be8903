import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { api, data } from '../api';
import { ago } from '../format';

const REFRESH_MS = 1000;
const BIN = /^[A-Za-z0-9_-]{1,64}$/;

/** The inspector: pick a bin by name; what is sent to it is shown on its page as it arrives. */
export function Inspector() {
  const [, navigate] = useLocation();
  const [bin, setBin] = useState('');
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (BIN.test(bin)) navigate(`/inspector/${bin}`);
  };
  return (
    <section>
      <h1>Inspector</h1>
      <p>
        A request bin on this node: anything sent to <code>{window.location.origin}/inspect/NAME</code> is kept and answered 200 (<code>?status=503</code> answers
        that status, <code>?fail=1</code> fails the first request, <code>?delay=2s</code> waits first). Jobs and endpoints may call this node's own bins.
      </p>
      <form className="filters" onSubmit={open} aria-label="Open a bin">
        <label>
          Bin
          <input name="bin" value={bin} onChange={(e) => setBin(e.target.value.trim())} placeholder="first" />
        </label>
        <button type="submit" disabled={!BIN.test(bin)}>
          Open
        </button>
      </form>
    </section>
  );
}

/** One bin: its address, and the requests it received, newest first, each with its headers and body. */
export function InspectorBin({ bin }: { bin: string }) {
  const [open, setOpen] = useState<string>();
  const received = useQuery({
    queryKey: ['inspector', bin],
    queryFn: () => data(api.GET('/api/v1/inspector/{bin}', { params: { path: { bin } } })),
    refetchInterval: REFRESH_MS,
  });
  if (!received.data) return received.error ? <p role="alert" className="error">{received.error.message}</p> : <p>Loading…</p>;
  const { requests, signed } = received.data;
  const address = `${window.location.origin}/inspect/${bin}`;
  return (
    <section>
      <p>
        <Link href="/inspector">← Inspector</Link>
      </p>
      <h1>Bin {bin}</h1>
      <p>
        Send to <code className="mono">{address}</code>
        {signed ? ' — signatures are checked with its secret.' : '.'}
      </p>
      {requests.length === 0 && <p className="empty">Nothing received yet; this page shows requests as they arrive.</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Received</th>
            <th>Method</th>
            <th>Path</th>
            <th>Answered</th>
            {signed && <th>Signature</th>}
            <th />
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id}>
              <td title={r.received_at}>{ago(r.received_at)}</td>
              <td>{r.method}</td>
              <td className="mono">
                {r.path}
                {r.query ? `?${r.query}` : ''}
              </td>
              <td className={r.status >= 400 ? 'error-text' : ''}>{r.status}</td>
              {signed && <td className={r.signature === 'valid' ? '' : 'error-text'}>{r.signature}</td>}
              <td>
                <button type="button" className="link" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? undefined : r.id)}>
                  {open === r.id ? 'Hide' : 'Show'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {requests
        .filter((r) => r.id === open)
        .map((r) => (
          <section key={r.id} aria-label={`Request ${r.method} ${r.path}`}>
            <h2>Headers</h2>
            <pre>{Object.entries(r.headers).map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>
            <h2>Body{r.body_encoding === 'base64' ? ' (not text; base64)' : ''}{r.body_truncated ? ' (cut at 64 KiB)' : ''}</h2>
            <pre>{r.body === null ? '(none)' : prettyBody(r.body, r.body_encoding)}</pre>
          </section>
        ))}
    </section>
  );
}

function prettyBody(body: string, encoding: string | undefined): string {
  if (encoding) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
