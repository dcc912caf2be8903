import { Worker } from 'node:worker_threads';
import { SQLITE } from '../dialects.js';
import { threadBootstrap } from '../../thread-bootstrap.js';
import type { Store } from '../store.js';
import type { SqliteOptions } from './sqlite-driver.js';
import { decodeError, type StoreAnswer, type StoreMethod } from './thread-messages.js';
import { StoreUnavailableError } from '../store-unavailable.js';

/**
 * The SQLite store, run on its own thread (see sqlite-thread.ts): every Store call is a message
 * to it and its answer a message back. Calls are served in order, one transaction at a time.
 */
export function openThreadStore(options: SqliteOptions): Store {
  const worker = new Worker(threadBootstrap(import.meta.url, './sqlite-thread'), { eval: true, workerData: options });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;

  worker.on('message', ({ id, result, error }: StoreAnswer) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error) call?.reject(decodeError(error));
    else call?.resolve(result);
  });
  const fail = (err: Error) => {
    broken ??= err;
    for (const call of pending.values()) call.reject(broken);
    pending.clear();
  };
  // An error thrown on the thread may arrive without its message (better-sqlite3's SqliteError is cloned bare).
  worker.on('error', (err) => fail(new StoreUnavailableError(`the SQLite store stopped: ${err?.message ?? (err as { code?: string })?.code ?? String(err)}`)));
  worker.on('exit', () => fail(new StoreUnavailableError('the SQLite store is closed')));

  const call = (method: StoreMethod, args: unknown[]): Promise<unknown> =>
    broken
      ? Promise.reject(broken)
      : new Promise((resolve, reject) => {
          const id = ++nextId;
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, method, args, sentAt: Date.now() });
        });
  const forward = <K extends StoreMethod>(method: K) => ((...args: unknown[]) => call(method, args)) as unknown as Store[K];

  return {
    dialect: SQLITE,
    migrate: forward('migrate'),
    async close() {
      if (broken) return;
      await call('close', []);
      await worker.terminate();
    },
    getMeta: forward('getMeta'),
    initMeta: forward('initMeta'),
    insertJob: forward('insertJob'),
    upsertJob: forward('upsertJob'),
    getJob: forward('getJob'),
    getJobs: forward('getJobs'),
    listJobs: forward('listJobs'),
    deleteJob: forward('deleteJob'),
    createExecutions: forward('createExecutions'),
    getExecution: forward('getExecution'),
    getExecutionById: forward('getExecutionById'),
    listExecutions: forward('listExecutions'),
    listAttempts: forward('listAttempts'),
    findExecutions: forward('findExecutions'),
    claimRuns: forward('claimRuns'),
    completeRuns: forward('completeRuns'),
    releaseRuns: forward('releaseRuns'),
    takeSendSlot: forward('takeSendSlot'),
    nextWakeAt: forward('nextWakeAt'),
    recoverOrphanedRuns: forward('recoverOrphanedRuns'),
    setJobEnabled: forward('setJobEnabled'),
    dueJobs: forward('dueJobs'),
    fireTicks: forward('fireTicks'),
    nextTickAt: forward('nextTickAt'),
    listTicks: forward('listTicks'),
    databaseNow: forward('databaseNow'),
    getHookTarget: forward('getHookTarget'),
    findHookTarget: forward('findHookTarget'),
    hooksWithoutAddress: forward('hooksWithoutAddress'),
    setHookAddresses: forward('setHookAddresses'),
    getHook: forward('getHook'),
    listHooks: forward('listHooks'),
    hooksOfJobs: forward('hooksOfJobs'),
    lastStatuses: forward('lastStatuses'),
    setHookEnabled: forward('setHookEnabled'),
    recordInvocations: forward('recordInvocations'),
    setInvocationStatus: forward('setInvocationStatus'),
    listInvocations: forward('listInvocations'),
    prune: forward('prune'),
    reclaim: forward('reclaim'),
    listRuns: forward('listRuns'),
    backlog: forward('backlog'),
    overview: forward('overview'),
    taskOutputs: forward('taskOutputs'),
    adjustRun: forward('adjustRun'),
    retryExecution: forward('retryExecution'),
    insertEndpoint: forward('insertEndpoint'),
    upsertEndpoint: forward('upsertEndpoint'),
    getEndpoints: forward('getEndpoints'),
    listEndpoints: forward('listEndpoints'),
    deleteEndpoint: forward('deleteEndpoint'),
    listEndpointAttempts: forward('listEndpointAttempts'),
    endpointAttemptStats: forward('endpointAttemptStats'),
    recordInspected: forward('recordInspected'),
    listInspected: forward('listInspected'),
    getInspectorBin: forward('getInspectorBin'),
    setInspectorSecret: forward('setInspectorSecret'),
    deleteInspectorBin: forward('deleteInspectorBin'),
    insertApplication: forward('insertApplication'),
    updateApplication: forward('updateApplication'),
    getApplication: forward('getApplication'),
    listApplications: forward('listApplications'),
    deleteApplication: forward('deleteApplication'),
    deleteApplicationEvents: forward('deleteApplicationEvents'),
    insertUidEndpoint: forward('insertUidEndpoint'),
    endpointByUid: forward('endpointByUid'),
    endpointUids: forward('endpointUids'),
    upsertEventType: forward('upsertEventType'),
    getEventType: forward('getEventType'),
    listEventTypes: forward('listEventTypes'),
    deleteEventType: forward('deleteEventType'),
    subscribedEndpoints: forward('subscribedEndpoints'),
    publishEvents: forward('publishEvents'),
    getEvent: forward('getEvent'),
    listEvents: forward('listEvents'),
    listDeliveries: forward('listDeliveries'),
    rotateSigning: forward('rotateSigning'),
    deliveriesToResend: forward('deliveriesToResend'),
    eventsMissing: forward('eventsMissing'),
    replay: forward('replay'),
    getDelivery: forward('getDelivery'),
    eventsToRoute: forward('eventsToRoute'),
    routeEvent: forward('routeEvent'),
    setEndpointState: forward('setEndpointState'),
  };
}
