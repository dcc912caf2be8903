import type { components } from './api-types';

type Stats = components['schemas']['EndpointStats'];

const WIDTH = 960;
const HEIGHT = 80;

/**
 * An endpoint's success rate over time: a bar per bucket of the window, as tall as its attempts,
 * its succeeded part green and its failed part red; each with its figures as a title.
 */
export function RateBars({ stats, now }: { stats: Stats; now: number }) {
  const windowMs = stats.window === '1h' ? 3_600_000 : 86_400_000;
  const slots = Math.round(windowMs / stats.bucket_ms);
  const first = Math.floor((now - windowMs) / stats.bucket_ms) * stats.bucket_ms;
  const top = Math.max(1, ...stats.buckets.map((b) => b.attempts));
  const slot = WIDTH / slots;
  const rates = stats.buckets.map((b) => `${Math.round(b.success_rate * 100)}%`);
  const label = stats.buckets.length === 0 ? 'Share succeeded over time: no attempts in the window' : `Share succeeded over time: ${rates.join(', ')}`;
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT + 2}`} role="img" aria-label={label}>
      <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="axis" />
      {stats.buckets.map((b) => {
        const x = ((Date.parse(b.at) - first) / stats.bucket_ms) * slot;
        const h = (b.attempts / top) * HEIGHT;
        const ok = (b.succeeded / top) * HEIGHT;
        return (
          <g key={b.at}>
            <title>{`${new Date(b.at).toLocaleTimeString()}: ${b.succeeded} of ${b.attempts} succeeded (${Math.round(b.success_rate * 100)}%)`}</title>
            <rect x={x + 1} width={Math.max(1, slot - 2)} y={HEIGHT - h} height={h - ok} className="bar failed" />
            <rect x={x + 1} width={Math.max(1, slot - 2)} y={HEIGHT - ok} height={ok} className="bar success" />
          </g>
        );
      })}
    </svg>
  );
}
