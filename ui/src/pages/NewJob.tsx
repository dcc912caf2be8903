import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { api, data, type ApiError } from '../api';
import { cronInWords } from '../schedule-words';

const METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];

/** Which form input an API error's field belongs to. */
const INPUT_OF_FIELD: Array<[RegExp, string]> = [
  [/^id$/, 'id'],
  [/^namespace$/, 'namespace'],
  [/^webhook\.url/, 'url'],
  [/^webhook\.body/, 'body'],
  [/^schedule\.timezone/, 'timezone'],
  [/^schedule/, 'cron'],
];

/** A form for a job that makes one call, on a cron schedule or by hand; the cron explains itself. */
export function NewJob() {
  const [, navigate] = useLocation();
  const [form, setForm] = useState({ id: '', namespace: 'default', url: '', method: 'POST', body: '', cron: '', timezone: '' });
  const [problem, setProblem] = useState<{ input?: string; message: string }>();
  const set = (name: keyof typeof form) => (value: string) => {
    setForm({ ...form, [name]: value });
    // A refusal shown at a field goes once that field is changed.
    if (problem?.input === name || (name === 'timezone' && problem?.input === 'cron')) setProblem(undefined);
  };
  const schedule = form.cron.trim() ? (form.timezone.trim() ? { cron: form.cron.trim(), timezone: form.timezone.trim() } : form.cron.trim()) : undefined;
  const create = useMutation({
    mutationFn: async (job: Record<string, unknown>) => {
      const { data: made, error } = await api.POST('/api/v1/jobs', { body: job as never });
      if (error) throw error as ApiError;
      return made!;
    },
    onSuccess: (made) => navigate(`/jobs/${encodeURIComponent(made.id)}`),
    onError: (err: ApiError | Error) => {
      if (!('error' in err)) return setProblem({ message: err.message });
      const input = INPUT_OF_FIELD.find(([pattern]) => pattern.test(err.error.field ?? ''))?.[1];
      setProblem({ input, message: err.error.message });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    let body: unknown = undefined;
    if (form.body.trim()) {
      try {
        body = JSON.parse(form.body);
      } catch {
        return setProblem({ input: 'body', message: 'The body must be JSON (or left empty).' });
      }
    }
    const webhook = { url: form.url.trim(), method: form.method, ...(body !== undefined ? { body } : {}) };
    create.mutate({ ...(form.id.trim() ? { id: form.id.trim() } : {}), namespace: form.namespace.trim() || 'default', webhook, ...(schedule ? { schedule } : {}) });
  }
  const at = (input: string) => (problem?.input === input ? problem.message : undefined);
  return (
    <section>
      <h1>New job</h1>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Id" name="id" hint="Letters, digits, . _ -; made for you when left empty." error={at('id')}>
          <input id="id" value={form.id} onChange={(e) => set('id')(e.target.value)} />
        </Field>
        <Field label="Namespace" name="namespace" error={at('namespace')}>
          <input id="namespace" value={form.namespace} onChange={(e) => set('namespace')(e.target.value)} />
        </Field>
        <Field label="URL" name="url" error={at('url')}>
          <input id="url" type="url" required placeholder="https://api.example.com/endpoint" value={form.url} onChange={(e) => set('url')(e.target.value)} />
        </Field>
        <Field label="Method" name="method">
          <select id="method" value={form.method} onChange={(e) => set('method')(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <Field label="Body" name="body" hint="JSON; templates such as {{.ScheduledTime}} and {{ trigger.body.x }} work in it." error={at('body')}>
          <textarea id="body" rows={4} className="code" value={form.body} onChange={(e) => set('body')(e.target.value)} />
        </Field>
        <Field label="Cron schedule" name="cron" hint="Five fields (or six, seconds first). Leave empty to run only by hand or from hooks." error={at('cron')}>
          <input id="cron" className="mono" placeholder="30 2 * * *" value={form.cron} onChange={(e) => set('cron')(e.target.value)} />
        </Field>
        <Field label="Time zone" name="timezone" hint="An IANA zone such as Europe/Berlin; UTC when left empty." error={at('timezone')}>
          <input id="timezone" value={form.timezone} onChange={(e) => set('timezone')(e.target.value)} />
        </Field>
        {schedule && <CronPreview schedule={schedule} cron={form.cron.trim()} />}
        {problem && !problem.input && (
          <p role="alert" className="error">
            {problem.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Create job
          </button>
        </div>
      </form>
    </section>
  );
}

function Field(props: { label: string; name: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className={`field${props.error ? ' invalid' : ''}`}>
      <label htmlFor={props.name}>{props.label}</label>
      {props.children}
      {props.hint && <small className="muted">{props.hint}</small>}
      {props.error && (
        <p role="alert" className="error" id={`${props.name}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The cron in words and its next five fire times, as the server will fire them. */
function CronPreview({ schedule, cron }: { schedule: unknown; cron: string }) {
  const preview = useQuery({
    queryKey: ['preview', schedule],
    queryFn: () => data(api.POST('/api/v1/schedules/preview', { body: { schedule, count: 5 } as never })),
    retry: false,
  });
  return (
    <div className="panel" aria-label="Schedule preview">
      <p>{cronInWords(cron) || 'Not a cron expression yet.'}</p>
      {preview.error && <p className="error">{preview.error.message}</p>}
      {preview.data && (
        <>
          <p className="muted small">Next runs:</p>
          <ol className="next-runs">
            {preview.data.next.map((t) => (
              <li key={t}>
                <time dateTime={t}>{new Date(t).toLocaleString()}</time>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
