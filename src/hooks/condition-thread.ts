/** The thread costly hook conditions run on (see condition-runner.ts): a call in, its outcome out. */
import { parentPort } from 'node:worker_threads';
import { evaluateConditions } from './conditions.js';

parentPort!.on('message', ({ id, conditions, trigger }: { id: number; conditions: string[]; trigger: Record<string, unknown> }) => {
  parentPort!.postMessage({ id, outcome: evaluateConditions(conditions, trigger) });
});
