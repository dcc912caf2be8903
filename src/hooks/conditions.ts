import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';

/**
 * Hook conditions in CEL, a language that cannot run arbitrary code. Kestra's spelling works as
 * written: `{{ trigger.body.hello == 'world' }}` is the CEL expression inside the braces.
 */
type Evaluate = (bindings: { trigger: unknown }) => unknown;

const BRACES = /^\s*\{\{([\s\S]*)\}\}\s*$/;
/** Distinct conditions kept planned; the cache starts over when it is full. */
const PLAN_CACHE_SIZE = 1024;
const planned = new Map<string, Evaluate>();
const env = celEnv();

/** The outcome of a hook's conditions: all true, one false, or one that could not be evaluated. */
export type ConditionsOutcome = { met: true } | { met: false; condition: string; error?: string };

function expressionOf(condition: string): string {
  return BRACES.exec(condition)?.[1].trim() ?? condition.trim();
}

function compile(condition: string): Evaluate {
  let evaluate = planned.get(condition);
  if (!evaluate) {
    if (planned.size >= PLAN_CACHE_SIZE) planned.clear();
    evaluate = plan(env, parse(expressionOf(condition))) as Evaluate;
    planned.set(condition, evaluate);
  }
  return evaluate;
}

/** Why a condition cannot be parsed, or undefined when it can. */
export function conditionProblem(condition: string): string | undefined {
  try {
    compile(condition);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Evaluates every condition against the call; the first that is not true decides. */
export function evaluateConditions(conditions: readonly string[], trigger: Record<string, unknown>): ConditionsOutcome {
  if (conditions.length === 0) return { met: true };
  const bindings = { trigger: toCel(trigger) };
  for (const condition of conditions) {
    let result: unknown;
    try {
      result = compile(condition)(bindings);
    } catch (err) {
      return { met: false, condition, error: (err as Error).message };
    }
    if (isCelError(result)) return { met: false, condition, error: result.message };
    if (typeof result !== 'boolean') return { met: false, condition, error: `gives ${typeof result}, not a boolean` };
    if (!result) return { met: false, condition };
  }
  return { met: true };
}

/** JSON as CEL takes it: objects as Maps, integers as doubles (CEL compares them with ints). */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}
