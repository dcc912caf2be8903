/** An evaluation thread (see evaluation-pool.ts): a task in; `started`, each filter's outcome, then the result out. */
import { parentPort } from 'node:worker_threads';
import { prepareTask, runTask, type Task } from './evaluation-tasks.js';

parentPort!.on('message', ({ id, task }: { id: number; task: Task }) => {
  // The deadline runs from here: the thread's own start-up, and compiling a schema, do not count against a task.
  prepareTask(task);
  parentPort!.postMessage({ id, started: true });
  try {
    const result = runTask(task, (index, outcome) => parentPort!.postMessage({ id, part: [index, outcome] }));
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message ?? String(err) });
  }
});
