/** The store's side of hooks: their rows written with their jobs, their addresses and states, their invocations read (written: record-invocations.ts). */
import type { Driver } from './driver.js';
import { raiseEvents } from './internal-events.js';
import * as q from './hook-queries.js';
import {
  type HookDeclaration,
  type HookFilter,
  type HookRow,
  type InvocationCursor,
  type InvocationResult,
  type InvocationRow,
  type UnaddressedHook,
} from './store.js';

const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

/** `,failed,succeeded,`: matched with LIKE when an execution ends. */
const stopAfterText = (statuses: readonly string[]) => (statuses.length === 0 ? null : `,${statuses.join(',')},`);

/** Brings a job's hooks in line with its triggers: new ones made, listed ones updated, the rest deleted. */
export async function syncHooks(tx: Driver, job: { id: string; namespace: string; updated_at: number }, declared: HookDeclaration[]): Promise<void> {
  const keep = new Set(declared.map((h) => h.trigger_id));
  for (const { trigger_id } of await tx.query<{ trigger_id: string }>(q.HOOK_TRIGGER_IDS, [job.id])) {
    if (!keep.has(trigger_id)) await tx.execute(q.DELETE_HOOK, [job.id, trigger_id]);
  }
  for (const h of declared) {
    const enabled = flag(h.enabled);
    await tx.execute(q.UPSERT_HOOK, [
      h.id, job.id, h.trigger_id, job.namespace, enabled, stopAfterText(h.stop_after), job.updated_at, job.updated_at, h.address, enabled, enabled,
    ]);
  }
}

export const hooksOfJob = (db: Driver, jobId: string) => db.query<HookRow>(q.HOOKS_OF_JOB, [jobId]);

export async function hookAtAddress(db: Driver, address: string): Promise<{ id: string; job_id: string } | undefined> {
  return (await db.query<{ id: string; job_id: string }>(q.HOOK_AT_ADDRESS, [address]))[0];
}

export const hooksWithoutAddress = (db: Driver, limit: number) => db.query<UnaddressedHook>(q.HOOKS_WITHOUT_ADDRESS, [limit]);

export async function setHookAddresses(tx: Driver, items: Array<{ id: string; address: string }>): Promise<void> {
  for (const { id, address } of items) await tx.execute(q.SET_HOOK_ADDRESS, [address, id]);
}

export async function getHook(db: Driver, id: string): Promise<HookRow | undefined> {
  return (await db.query<HookRow>(q.GET_HOOK, [id]))[0];
}

export function listHooks(db: Driver, filter: HookFilter, limit: number, afterId = ''): Promise<HookRow[]> {
  const ns = filter.namespace ?? null;
  const job = filter.job_id ?? null;
  const enabled = flag(filter.enabled);
  return db.query<HookRow>(q.LIST_HOOKS, [afterId, ns, ns, job, job, enabled, enabled, limit]);
}

export function hooksOfJobs(db: Driver, jobIds: string[]): Promise<HookRow[]> {
  return jobIds.length === 0 ? Promise.resolve([]) : db.query<HookRow>(q.hooksOfJobs(jobIds.length), jobIds);
}

export async function setHookEnabled(tx: Driver, id: string, enabled: boolean, now: number): Promise<HookRow | undefined> {
  const before = await getHook(tx, id);
  if ((await tx.execute(q.SET_HOOK_ENABLED, [enabled ? 1 : 0, now, id])) === 0) return undefined;
  if (before && Number(before.enabled) === 1 && !enabled) {
    await raiseEvents(tx, [{ namespace: before.namespace, type: 'hook.disabled', payload: { hook_id: id, job_id: before.job_id, reason: 'disabled by hand' }, at: now }]);
  }
  return getHook(tx, id);
}

/** stopAfter: after an execution a hook started ends as `status`, the hook disables itself if it says so; whether it did. */
export async function stopHookAfter(tx: Driver, hookId: string, executionId: string, status: string, now: number): Promise<boolean> {
  return (await tx.execute(q.STOP_HOOK, [`stopAfter: execution ${executionId} ${status}`, now, hookId, `%,${status},%`])) > 0;
}

export async function setInvocationStatus(db: Driver, id: string, statusCode: number): Promise<void> {
  await db.execute(q.SET_INVOCATION_STATUS, [statusCode, id]);
}

export function listInvocations(
  db: Driver,
  hookId: string,
  limit: number,
  before?: InvocationCursor,
  result?: InvocationResult,
): Promise<InvocationRow[]> {
  const at = before?.received_at ?? null;
  const kind = result ?? null;
  return db.query<InvocationRow>(q.LIST_INVOCATIONS, [hookId, at, at, at, before?.id ?? null, kind, kind, limit]);
}
