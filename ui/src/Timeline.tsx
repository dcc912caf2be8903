import type { Attempt } from './api';

/** Every attempt as a bar over the execution's time, labelled with its task and answer. */
export function Timeline({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return null;
  const start = Math.min(...attempts.map((a) => Date.parse(a.started_at)));
  const end = Math.max(...attempts.map((a) => Date.parse(a.started_at) + a.duration_ms));
  const span = Math.max(1, end - start);
  return (
    <ol className="timeline" aria-label="Timeline">
      {attempts.map((a, i) => {
        const left = ((Date.parse(a.started_at) - start) / span) * 100;
        const width = Math.max(0.5, (a.duration_ms / span) * 100);
        return (
          <li key={i}>
            <span className="timeline-label">
              {a.task ?? (a.notification !== undefined ? `notify ${a.notification}` : '')} #{a.attempt}
            </span>
            <span className="timeline-track">
              <span className={`timeline-bar ${a.error ? 'failed' : 'succeeded'}`} style={{ left: `${Math.min(left, 99.5)}%`, width: `${Math.min(width, 100 - left)}%` }} title={`${a.status_code ?? 'no answer'} in ${a.duration_ms} ms`} />
            </span>
            <span className="muted small">
              +{Date.parse(a.started_at) - start} ms · {a.status_code ?? 'no answer'} · {a.duration_ms} ms
            </span>
          </li>
        );
      })}
    </ol>
  );
}
