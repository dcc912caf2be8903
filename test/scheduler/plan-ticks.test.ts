import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_TICKS_SCANNED, planTicks } from '../../src/scheduler/plan-ticks.js';
import { scheduleFor } from '../../src/scheduler/schedule.js';

const T = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
const policy = (misfire: 'skip' | 'run_once' | 'catch_up', catchUpLimit = 10) => ({ misfire, catchUpLimit, thresholdMs: 10_000 });
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

describe('which due ticks fire', () => {
  const everyMinute = scheduleFor('* * * * *');

  test('a tick found on time fires, and the next tick is the one after now', () => {
    const plan = planTicks(everyMinute, T, T + 3_000, policy('skip'));
    assert.deepEqual(plan.fire, [T]);
    assert.equal(plan.missed, undefined);
    assert.equal(plan.nextRunAt, T + MIN);
  });

  test('late ticks within the threshold all fire, whatever the policy', () => {
    const everySecond = scheduleFor('* * * * * *');
    const plan = planTicks(everySecond, T, T + 4_000, policy('skip'));
    assert.deepEqual(plan.fire, [T, T + 1000, T + 2000, T + 3000, T + 4000]);
    assert.equal(plan.nextRunAt, T + 5000);
  });

  test('missed ticks: skip fires none, run_once the latest, catch_up the latest N; the rest are counted', () => {
    const now = T + 10 * MIN + 30_000; // ticks T .. T+10m all older than the 10 s threshold
    const skip = planTicks(everyMinute, T, now, policy('skip'));
    assert.deepEqual(skip.fire, []);
    assert.deepEqual(skip.missed, { first: T, last: T + 10 * MIN, count: 11 });
    const once = planTicks(everyMinute, T, now, policy('run_once'));
    assert.deepEqual(once.fire, [T + 10 * MIN]);
    assert.deepEqual(once.missed, { first: T, last: T + 9 * MIN, count: 10 });
    const catchUp = planTicks(everyMinute, T, now, policy('catch_up', 3));
    assert.deepEqual(iso(catchUp.fire), iso([T + 8 * MIN, T + 9 * MIN, T + 10 * MIN]));
    assert.deepEqual(catchUp.missed, { first: T, last: T + 7 * MIN, count: 8 });
    for (const plan of [skip, once, catchUp]) assert.equal(plan.nextRunAt, T + 11 * MIN);
  });

  test('catch_up with room for every missed tick leaves none missed', () => {
    const plan = planTicks(everyMinute, T, T + 2 * MIN + 30_000, policy('catch_up', 10));
    assert.deepEqual(plan.fire, [T, T + MIN, T + 2 * MIN]);
    assert.equal(plan.missed, undefined);
  });

  test('missed and on-time ticks together: the on-time ones fire as well', () => {
    const everySecond = scheduleFor('* * * * * *');
    const now = T + 15_000;
    const plan = planTicks(everySecond, T, now, policy('run_once'));
    assert.deepEqual(plan.fire, [T + 4000, ...Array.from({ length: 11 }, (_, i) => T + 5000 + i * 1000)]);
    assert.deepEqual(plan.missed, { first: T, last: T + 3000, count: 4 });
  });

  test('an interval keeps its own grid; a one-shot has no next tick once due', () => {
    const every = scheduleFor({ every: '5m' });
    const plan = planTicks(every, T, T + 23 * MIN, policy('run_once'));
    assert.deepEqual(plan.fire, [T + 20 * MIN]);
    assert.equal(plan.nextRunAt, T + 25 * MIN);
    const at = scheduleFor({ at: new Date(T).toISOString() });
    const late = planTicks(at, T, T + 3 * MIN, policy('skip'));
    assert.deepEqual(late.fire, []);
    assert.deepEqual(late.missed, { first: T, last: T, count: 1 });
    assert.equal(late.nextRunAt, null);
    assert.deepEqual(planTicks(at, T, T + 1000, policy('skip')).fire, [T]);
  });

  test('a very long outage is counted up to a bound and still lands on the right next tick', () => {
    const everySecond = scheduleFor('* * * * * *');
    const now = T + 86_400_000 + 500;
    const plan = planTicks(everySecond, T, now, policy('run_once'));
    assert.equal(plan.missed?.count, MAX_TICKS_SCANNED);
    assert.equal(plan.nextRunAt, T + 86_401_000);
    assert.equal(plan.fire.at(-1), T + 86_400_000);
  });
});
