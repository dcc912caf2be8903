import type { JobSpec, TaskSpec } from './job-schema.js';

/** The one task of a job with a single `webhook`. */
export const SINGLE_TASK = 'webhook';

/** A job's calls as tasks: a job with a single `webhook` is one task named "webhook". */
export function tasksOf(spec: Pick<JobSpec, 'webhook' | 'tasks'>): TaskSpec[] {
  return spec.tasks ?? [{ name: SINGLE_TASK, webhook: spec.webhook!, depends_on: [] }];
}

/** A problem with a job's task graph, with the field it is found at. */
export interface GraphProblem {
  field: string;
  message: string;
}

/** The first problem of a task list: a name used twice, a dependency on no task, or a cycle. */
export function graphProblem(tasks: TaskSpec[]): GraphProblem | undefined {
  const index = new Map<string, number>();
  for (const [i, task] of tasks.entries()) {
    if (index.has(task.name)) return { field: `tasks.${i}.name`, message: `repeats the task name "${task.name}"` };
    index.set(task.name, i);
  }
  for (const [i, task] of tasks.entries()) {
    for (const [j, dep] of task.depends_on.entries()) {
      if (!index.has(dep)) return { field: `tasks.${i}.depends_on.${j}`, message: `names no task of this job: "${dep}"` };
      if (dep === task.name) return { field: `tasks.${i}.depends_on.${j}`, message: 'a task cannot depend on itself' };
    }
  }
  const cycle = findCycle(tasks);
  if (cycle) return { field: `tasks.${index.get(cycle[0])}.depends_on`, message: `makes a cycle: ${cycle.join(' → ')}` };
  return undefined;
}

/** A cycle of dependencies as the names along it (first name repeated at the end), if there is one. */
function findCycle(tasks: TaskSpec[]): string[] | undefined {
  const deps = new Map(tasks.map((t) => [t.name, t.depends_on]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dep of deps.get(name) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const task of tasks) {
    const found = visit(task.name);
    if (found) return found;
  }
  return undefined;
}

/** Where each task stands: what it waits for, what waits on it, and all that is downstream of it. */
export interface TaskPlace {
  task: TaskSpec;
  dependents: string[];
  downstream: string[];
  /** Every task this one depends on, directly or not: the outputs its templates may use. */
  upstream: Set<string>;
}

export function taskPlaces(tasks: TaskSpec[]): Map<string, TaskPlace> {
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.name, []]));
  for (const t of tasks) for (const dep of t.depends_on) dependents.get(dep)?.push(t.name);
  const closure = (start: string, next: (name: string) => string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...next(start)];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...next(name));
    }
    return seen;
  };
  const byName = new Map(tasks.map((t) => [t.name, t]));
  return new Map(
    tasks.map((task) => [
      task.name,
      {
        task,
        dependents: dependents.get(task.name)!,
        downstream: [...closure(task.name, (n) => dependents.get(n) ?? [])],
        upstream: closure(task.name, (n) => byName.get(n)?.depends_on ?? []),
      },
    ]),
  );
}
