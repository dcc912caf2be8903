import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '../api';
import { shown } from '../format';

const METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];

/** Chronos' webhook tester: one call of a webhook config, now, without a job; its status, body and time. */
export function Tester() {
  const [url, setUrl] = useState('');
  const [method, setMethod] = useState('POST');
  const [headers, setHeaders] = useState('{"Content-Type": "application/json"}');
  const [body, setBody] = useState('{"test": true}');
  const [problem, setProblem] = useState<string>();
  const call = useMutation({
    mutationFn: async (webhook: Record<string, unknown>) => {
      const { data, error } = await api.POST('/api/v1/webhooks/test', { params: { query: { response_headers: 'true' } as never }, body: { webhook } as never });
      if (error) throw new Error((error as ApiError).error.message);
      return data!;
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    let parsedHeaders: unknown;
    try {
      parsedHeaders = headers.trim() ? JSON.parse(headers) : {};
    } catch {
      return setProblem('Headers must be a JSON object.');
    }
    call.mutate({ url, method, headers: parsedHeaders, ...(body.trim() ? { body } : {}) });
  }
  const result = call.data;
  return (
    <section>
      <h1>Webhook tester</h1>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="tester-url">URL</label>
          <input id="tester-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://api.example.com/endpoint" />
        </div>
        <div className="field">
          <label htmlFor="tester-method">Method</label>
          <select id="tester-method" value={method} onChange={(e) => setMethod(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tester-headers">Headers (JSON)</label>
          <textarea id="tester-headers" className="code" rows={3} value={headers} onChange={(e) => setHeaders(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="tester-body">Body</label>
          <textarea id="tester-body" className="code" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" disabled={call.isPending}>
            Send
          </button>
          {(problem ?? call.error?.message) && <span role="alert" className="error">{problem ?? call.error?.message}</span>}
        </div>
      </form>
      {result && (
        <div className="panel" aria-label="Result">
          <p>
            <span className={`status ${result.success ? 'succeeded' : 'failed'}`}>{result.success ? 'success' : 'failure'}</span> · status{' '}
            <strong className="status-code">{result.status_code || 'none'}</strong> · {result.duration_ms} ms
          </p>
          {Object.keys(result.response_headers ?? {}).length > 0 && (
            <pre aria-label="Response headers">{Object.entries(result.response_headers ?? {}).map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>
          )}
          <pre aria-label="Response body">{result.response_body_encoding === 'base64' ? `(not text; base64)\n${result.response_body}` : shown(result.response_body)}</pre>
        </div>
      )}
    </section>
  );
}
