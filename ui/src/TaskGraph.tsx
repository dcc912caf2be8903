import type { Execution } from './api';

type Task = NonNullable<Execution['tasks']>[number];

const BOX_W = 150;
const BOX_H = 40;
const GAP_X = 60;
const GAP_Y = 16;

/** Tasks laid out by depth, each after those it depends on, with their state; edges show the dependencies. */
export function TaskGraph({ tasks }: { tasks: Task[] }) {
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen = new Set<string>()): number => {
    if (depth.has(name)) return depth.get(name)!;
    if (seen.has(name)) return 0;
    seen.add(name);
    const task = tasks.find((t) => t.name === name);
    const d = task && task.depends_on.length > 0 ? 1 + Math.max(...task.depends_on.map((n) => depthOf(n, seen))) : 0;
    depth.set(name, d);
    return d;
  };
  const layers: Task[][] = [];
  for (const t of tasks) (layers[depthOf(t.name)] ??= []).push(t);
  const place = new Map<string, { x: number; y: number }>();
  layers.forEach((layer, i) => layer.forEach((t, j) => place.set(t.name, { x: i * (BOX_W + GAP_X), y: j * (BOX_H + GAP_Y) })));
  const width = layers.length * (BOX_W + GAP_X) - GAP_X;
  const height = Math.max(...layers.map((l) => l.length)) * (BOX_H + GAP_Y) - GAP_Y;
  return (
    <svg className="graph" viewBox={`-2 -2 ${width + 4} ${height + 4}`} width={width + 4} height={height + 4} role="img" aria-label="Task graph">
      {tasks.flatMap((t) =>
        t.depends_on.map((d) => {
          const from = place.get(d);
          const to = place.get(t.name)!;
          if (!from) return null;
          return <line key={`${d}-${t.name}`} className="edge" x1={from.x + BOX_W} y1={from.y + BOX_H / 2} x2={to.x} y2={to.y + BOX_H / 2} />;
        }),
      )}
      {tasks.map((t) => {
        const at = place.get(t.name)!;
        return (
          <g key={t.name} transform={`translate(${at.x},${at.y})`} aria-label={`${t.name}: ${t.status}`}>
            <rect className={`node ${t.status}`} width={BOX_W} height={BOX_H} rx={6} />
            <text x={10} y={17} className="node-name">
              {t.name}
            </text>
            <text x={10} y={32} className="node-status">
              {t.status}
              {t.attempts > 0 ? ` · ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
