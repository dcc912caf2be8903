import type { components } from './api-types';

type Bucket = components['schemas']['Overview']['buckets'][number];

/** The outcomes in the order they are stacked, bottom up, with their names. */
export const SERIES = [
  ['success', 'succeeded'],
  ['http_4xx', 'HTTP 4xx'],
  ['http_5xx', 'HTTP 5xx'],
  ['timeout', 'timed out'],
  ['connection', 'connection failed'],
  ['other', 'other'],
] as const;

const WIDTH = 960;
const HEIGHT = 160;

/** Attempts per bucket, stacked by outcome: an SVG of plain rectangles, each with its count as a title. */
export function StackedBars({ buckets }: { buckets: Bucket[] }) {
  const totals = buckets.map((b) => SERIES.reduce((sum, [key]) => sum + b[key], 0));
  const top = Math.max(1, ...totals);
  const slot = WIDTH / Math.max(1, buckets.length);
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT + 16}`} role="img" aria-label={`Deliveries: ${totals.reduce((a, b) => a + b, 0)} in ${buckets.length} buckets, at most ${top} in one`}>
      <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="axis" />
      {buckets.map((b, i) => {
        let y = HEIGHT;
        return (
          <g key={b.at}>
            {SERIES.map(([key, label]) => {
              const h = (b[key] / top) * (HEIGHT - 4);
              if (h === 0) return null;
              y -= h;
              return (
                <rect key={key} className={`bar ${key}`} x={i * slot + 1} y={y} width={Math.max(1, slot - 2)} height={h}>
                  <title>{`${new Date(b.at).toLocaleTimeString()}: ${b[key]} ${label}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
      <text x={0} y={HEIGHT + 14} className="tick">
        {buckets[0] && new Date(buckets[0].at).toLocaleTimeString()}
      </text>
      <text x={WIDTH} y={HEIGHT + 14} className="tick" textAnchor="end">
        {buckets.at(-1) && new Date(buckets.at(-1)!.at).toLocaleTimeString()}
      </text>
      <text x={4} y={12} className="tick">
        {top}
      </text>
    </svg>
  );
}
