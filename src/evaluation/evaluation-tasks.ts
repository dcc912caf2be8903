/**
 * The work an evaluation thread does, and the same work done inline when its cost is bounded: one
 * function for both, so a condition means the same wherever it runs.
 */
import { evaluateConditions, evaluateEach, type ConditionsOutcome } from './conditions.js';
import { compileProblem, payloadProblem, validatorOf } from './payload-schemas.js';

export type Task =
  /** A hook's conditions: all must hold; the first that does not decides. */
  | { kind: 'conditions'; conditions: string[]; value: unknown; variable: string }
  /** Endpoint filters of one event, each judged on its own against the payload. */
  | { kind: 'filters'; filters: string[]; value: unknown }
  /** A payload against its type's schema. */
  | { kind: 'payload'; type: string; schema: string; value: unknown }
  /** A schema being saved: whether it compiles. */
  | { kind: 'compile'; schema: string };

export type PayloadProblem = { field: string; message: string } | undefined;
export type CompileProblem = { path: string; message: string } | undefined;

/**
 * What a task needs before its deadline starts: a payload's schema compiled (once per thread; the
 * schema compiled within its own, longer deadline when it was saved).
 */
export function prepareTask(task: Task): void {
  if (task.kind === 'payload') {
    try {
      validatorOf(task.schema);
    } catch {
      // Reported by the task itself.
    }
  }
}

/** Does the task; `part` hears each filter's outcome as it is known, so a deadline keeps those already judged. */
export function runTask(task: Task, part: (index: number, outcome: ConditionsOutcome) => void = () => undefined): unknown {
  switch (task.kind) {
    case 'conditions':
      return evaluateConditions(task.conditions, task.value, task.variable);
    case 'filters': {
      const outcomes: ConditionsOutcome[] = [];
      evaluateEach(task.filters, task.value, 'payload', (i, outcome) => {
        outcomes.push(outcome);
        part(i, outcome);
      });
      return outcomes;
    }
    case 'payload':
      return payloadProblem(task.type, task.schema, task.value);
    case 'compile':
      return compileProblem(task.schema);
  }
}
