import type { JobCodec } from './job-codec.js';
import type { JobSpec } from './job-schema.js';
import { planOf, type JobPlan } from './job-plan.js';

/** A job spec as a run carries it, opened once: secrets in the clear, its plan worked out. */
export interface OpenedSpec {
  spec: JobSpec;
  /** Its tasks, their graph and settings, and its notify entries. */
  plan: JobPlan;
}

/** How many distinct specs stay opened; the cache starts over when it is full. */
const SPEC_CACHE_SIZE = 256;

/**
 * Opens the stored spec of each claimed run, once per distinct spec text: every run of one job
 * version carries the same text, so a busy worker parses and decrypts it once, not per call.
 */
export function createSpecCache(codec: JobCodec) {
  const opened = new Map<string, OpenedSpec>();
  return function open(specJson: string): OpenedSpec {
    let entry = opened.get(specJson);
    if (!entry) {
      if (opened.size >= SPEC_CACHE_SIZE) opened.clear();
      const spec = codec.open(specJson);
      entry = { spec, plan: planOf(spec) };
      opened.set(specJson, entry);
    }
    return entry;
  };
}
