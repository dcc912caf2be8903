/** The thread costly hook conditions run on (see condition-runner.ts): a call in, its outcome out. */
import { parentPort } from 'node:worker_threads';
import { evaluateConditions } from './conditions.js';

type Call = { id: number; conditions: string[]; value: unknown; variable: string };

parentPort!.on('message', ({ id, conditions, value, variable }: Call) => {
  // The deadline runs from here: the thread's own start-up does not count against a call.
  parentPort!.postMessage({ id, started: true });
  parentPort!.postMessage({ id, outcome: evaluateConditions(conditions, value, variable) });
});
