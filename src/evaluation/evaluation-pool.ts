import { Worker } from 'node:worker_threads';
import { threadBootstrap } from '../thread-bootstrap.js';
import type { ConditionsOutcome } from './conditions.js';
import { runsInline } from './conditions.js';
import { runTask, type CompileProblem, type PayloadProblem, type Task } from './evaluation-tasks.js';
import { schemaShapeProblem } from './payload-schemas.js';
import { schemaSize } from './schema-size.js';

/** How long a task may wait for a new thread to start before it fails anyway. */
const STARTUP_GUARD_MS = 10_000;
/** The heap of one evaluation thread, in MiB. */
const THREAD_HEAP_MB = 256;
/** Tasks one lane (namespace) may have waiting; more are refused at once rather than queued. */
export const LANE_QUEUE_LIMIT = 32;
/** Compiling a schema being saved may take this long: longer than a payload's check, and done once. */
const COMPILE_TIMEOUT_MS = 5_000;
/**
 * A payload check runs inline while its schema is small (compiling it then takes a few ms, once) and
 * its subschemas times the payload's bytes stay under the budget; any other runs on a thread.
 */
const INLINE_SCHEMA_NODES = 64;
const INLINE_SCHEMA_BUDGET = 2_000_000;

export interface EvaluationPoolOptions {
  /** How long one task may run on its thread; past it the thread is ended and the task fails. */
  timeoutMs: number;
  /** Threads evaluating at once. */
  threads: number;
  /** How long a task may wait for a thread before it fails; by default four deadlines. */
  queueLimitMs?: number;
}

interface Pending {
  id: number;
  lane: string;
  task: Task;
  /** How long the task may run on its thread. */
  timeoutMs: number;
  resolve: (result: Result) => void;
  /** Fails the task if it waits too long for a thread. */
  expiry: NodeJS.Timeout;
}

/** A task's end: its result, or why it has none (a deadline, a full queue, a thread that failed), with the filters judged before. */
type Result = { result: unknown } | { error: string; parts: Array<[number, ConditionsOutcome]> };

interface Slot {
  thread?: Worker;
  /** The thread has loaded and taken a task: a thread still starting does not count against waiting tasks. */
  ready?: boolean;
  running?: { call: Pending; timer: NodeJS.Timeout; parts: Array<[number, ConditionsOutcome]> };
}

/**
 * Conditions, endpoint filters and payload schemas whose cost could grow with the payload are
 * evaluated here, on a few threads, never on the event loop; those whose cost is bounded by their
 * own size run inline. Each task runs under `timeoutMs`: past it its thread is ended, the task counts
 * as one that could not be evaluated, and the thread is replaced. Tasks wait in one queue per lane
 * (a namespace) and the threads take from the lanes in turn, so a namespace full of costly filters
 * delays another's by at most one task per thread; a lane with LANE_QUEUE_LIMIT waiting has more
 * refused at once, and no task waits longer than `queueLimitMs` for a thread.
 */
export function createEvaluationPool(options: EvaluationPoolOptions) {
  const queueLimitMs = options.queueLimitMs ?? 4 * options.timeoutMs;
  const lanes = new Map<string, Pending[]>();
  /** Lanes with tasks waiting, in the order they are served. */
  const turn: string[] = [];
  const slots: Slot[] = Array.from({ length: Math.max(1, options.threads) }, () => ({}));
  let nextId = 0;

  function startThread(slot: Slot): Worker {
    // A thread's heap is capped: past it the thread ends (its task fails) and another takes its place.
    const thread = new Worker(threadBootstrap(import.meta.url, './evaluation-thread'), { eval: true, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    thread.unref();
    slot.ready = false;
    thread.on('message', (message: { id: number; started?: true; part?: [number, ConditionsOutcome]; result?: unknown; error?: string }) => {
      const running = slot.running;
      if (running?.call.id !== message.id) return;
      if (message.started) {
        slot.ready = true;
        arm(slot, running.call.timeoutMs);
      }
      else if (message.part) running.parts.push(message.part);
      else if (message.error !== undefined) finish(slot, { error: message.error, parts: running.parts });
      else finish(slot, { result: message.result });
    });
    thread.on('error', (err) => {
      if (slot.thread === thread) slot.thread = undefined;
      if (slot.running) finish(slot, { error: `the evaluation thread failed: ${err.message}`, parts: slot.running.parts });
    });
    return thread;
  }

  /** (Re)arms the running task's deadline: past it the thread is stuck on the task and is ended. */
  function arm(slot: Slot, ms: number): void {
    const running = slot.running!;
    clearTimeout(running.timer);
    running.timer = setTimeout(() => {
      void slot.thread?.terminate();
      // Its successor starts now, while the tasks behind wait, not when the next is given to it.
      slot.thread = startThread(slot);
      finish(slot, { error: `took longer than ${running.call.timeoutMs} ms to evaluate`, parts: running.parts });
    }, ms);
  }

  function finish(slot: Slot, result: Result): void {
    const running = slot.running!;
    clearTimeout(running.timer);
    slot.running = undefined;
    running.call.resolve(result);
    dispatch();
  }

  /** Gives each idle thread the next task, taking from the lanes in turn. */
  function dispatch(): void {
    for (const slot of slots) {
      if (slot.running) continue;
      const call = takeNext();
      if (!call) return;
      clearTimeout(call.expiry);
      slot.thread ??= startThread(slot);
      slot.running = { call, timer: undefined as unknown as NodeJS.Timeout, parts: [] };
      // Until the thread says it has begun (a new thread first has to load), a longer guard applies.
      arm(slot, Math.max(STARTUP_GUARD_MS, call.timeoutMs));
      slot.thread.postMessage({ id: call.id, task: call.task });
    }
  }

  function takeNext(): Pending | undefined {
    const lane = turn.shift();
    if (lane === undefined) return undefined;
    const queue = lanes.get(lane)!;
    const call = queue.shift()!;
    if (queue.length > 0) turn.push(lane);
    else lanes.delete(lane);
    return call;
  }

  function drop(call: Pending): void {
    const queue = lanes.get(call.lane);
    const at = queue?.indexOf(call) ?? -1;
    if (at < 0) return;
    queue!.splice(at, 1);
    if (queue!.length === 0) {
      lanes.delete(call.lane);
      turn.splice(turn.indexOf(call.lane), 1);
    }
  }

  /** Runs a task on a thread, in its lane's turn. */
  function offload(lane: string, task: Task, timeoutMs = options.timeoutMs): Promise<Result> {
    const queue = lanes.get(lane) ?? [];
    if (queue.length >= LANE_QUEUE_LIMIT) {
      return Promise.resolve({ error: `${LANE_QUEUE_LIMIT} costly evaluations of namespace ${lane} are waiting already`, parts: [] });
    }
    return new Promise((resolve) => {
      const call: Pending = { id: ++nextId, lane, task, timeoutMs, resolve, expiry: undefined as unknown as NodeJS.Timeout };
      const expire = () => {
        // The time a thread takes to start (after one was ended) is not the queue's: wait for it.
        if (slots.some((s) => s.thread && !s.ready)) return void (call.expiry = setTimeout(expire, options.timeoutMs).unref());
        drop(call);
        resolve({ error: `waited longer than ${queueLimitMs} ms for an evaluation thread`, parts: [] });
      };
      call.expiry = setTimeout(expire, queueLimitMs).unref();
      if (queue.length === 0) {
        lanes.set(lane, queue);
        turn.push(lane);
      }
      queue.push(call);
      dispatch();
    });
  }

  /** A hook's conditions against its call, seen as `variable`: all true, or the first that is not. */
  async function conditions(list: readonly string[], value: unknown, variable = 'trigger', lane = 'default'): Promise<ConditionsOutcome> {
    const task: Task = { kind: 'conditions', conditions: [...list], value, variable };
    if (list.every(runsInline)) return runTask(task) as ConditionsOutcome;
    const done = await offload(lane, task);
    if ('result' in done) return done.result as ConditionsOutcome;
    return { met: false, condition: list.find((c) => !runsInline(c))!, error: done.error };
  }

  /** Endpoint filters of one event, each judged on its own; the costly ones share one task and one deadline. */
  async function filters(list: readonly string[], payload: unknown, lane: string): Promise<ConditionsOutcome[]> {
    const outcomes: ConditionsOutcome[] = new Array(list.length);
    const costly: number[] = [];
    list.forEach((filter, i) => {
      if (runsInline(filter)) outcomes[i] = (runTask({ kind: 'filters', filters: [filter], value: payload }) as ConditionsOutcome[])[0];
      else costly.push(i);
    });
    if (costly.length === 0) return outcomes;
    const done = await offload(lane, { kind: 'filters', filters: costly.map((i) => list[i]), value: payload });
    const judged = 'result' in done ? (done.result as ConditionsOutcome[]).map((o, k) => [k, o] as const) : done.parts;
    for (const [k, outcome] of judged) outcomes[costly[k]] = outcome;
    for (const i of costly) outcomes[i] ??= { met: false, condition: list[i], error: 'error' in done ? done.error : 'not evaluated' };
    return outcomes;
  }

  /** Where a payload breaks its type's schema; a check that could not end in time is a problem of its own. */
  async function payload(type: string, schema: string, value: unknown, bytes: number, lane: string): Promise<PayloadProblem> {
    const task: Task = { kind: 'payload', type, schema, value };
    const nodes = nodesOf(schema);
    if (nodes <= INLINE_SCHEMA_NODES && nodes * (bytes + 1) <= INLINE_SCHEMA_BUDGET) return runTask(task) as PayloadProblem;
    const done = await offload(lane, task);
    if ('result' in done) return done.result as PayloadProblem;
    return { field: 'payload', message: `payload: could not be checked against the schema of event type ${type}: ${done.error}` };
  }

  /**
   * Why a schema being saved cannot be an event type's: its shape and size first (schema-size.ts),
   * then whether it compiles, on a thread, since compiling a large schema takes time.
   */
  async function schema(value: unknown): Promise<CompileProblem> {
    const shape = schemaShapeProblem(value);
    if (shape) return shape;
    const done = await offload('schemas', { kind: 'compile', schema: JSON.stringify(value) }, COMPILE_TIMEOUT_MS);
    if ('result' in done) return done.result as CompileProblem;
    return { path: '', message: `could not be compiled: ${done.error}` };
  }

  return {
    conditions,
    filters,
    payload,
    schema,
    async close(): Promise<void> {
      for (const slot of slots) {
        await slot.thread?.terminate();
        slot.thread = undefined;
      }
    },
  };
}

/** Subschemas of a stored schema, its $refs followed; a schema stored before the bound counts as the bound. */
const sizes = new Map<string, number>();
function nodesOf(schema: string): number {
  let nodes = sizes.get(schema);
  if (nodes === undefined) {
    if (sizes.size >= 256) sizes.clear();
    const size = schemaSize(JSON.parse(schema) as object);
    nodes = 'nodes' in size ? size.nodes : Number.MAX_SAFE_INTEGER;
    sizes.set(schema, nodes);
  }
  return nodes;
}

export type EvaluationPool = ReturnType<typeof createEvaluationPool>;
