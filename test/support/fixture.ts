import { ManualClock } from '../../src/clock.js';
import { startNode, type Running } from './harness.js';
import { startReceiver, type Receiver, type Responder } from './receiver.js';
import type { StoreKind, TestDatabase } from './stores.js';

export interface Fixture {
  db: TestDatabase;
  node: Running;
  clock: ManualClock;
  receiver: Receiver;
}

/** A node on a fresh database of `kind`, a ManualClock, and a receiver; all torn down afterwards. */
export async function withNode(
  kind: StoreKind,
  options: { config?: Record<string, unknown>; responder?: Responder; startAt?: number },
  fn: (f: Fixture) => Promise<void>,
): Promise<void> {
  const db = kind.create();
  const clock = new ManualClock(options.startAt ?? Date.parse('2026-06-01T12:00:00Z'));
  const receiver = await startReceiver(options.responder);
  let node: Running | undefined;
  try {
    node = await startNode(db, { clock, config: options.config });
    await fn({ db, node, clock, receiver });
  } finally {
    await node?.close();
    await receiver.close();
    await db.drop();
  }
}
