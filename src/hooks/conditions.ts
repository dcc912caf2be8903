import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';

/**
 * Hook conditions in CEL, a language that cannot run arbitrary code. Kestra's spelling works as
 * written: `{{ trigger.body.hello == 'world' }}` is the CEL expression inside the braces.
 */
type Evaluate = (bindings: Record<string, unknown>) => unknown;

const BRACES = /^\s*\{\{([\s\S]*)\}\}\s*$/;
/** Distinct conditions kept planned; the cache starts over when it is full. */
const PLAN_CACHE_SIZE = 1024;
const planned = new Map<string, Evaluate>();
/** Whether each condition can take time out of proportion to its length (see isCostly). */
const costly = new Map<string, boolean>();
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

/**
 * Whether a condition can take long on a large body: a regular expression (RE2, linear, but about
 * 100 ms a MiB in JavaScript) or a comprehension (all, exists, map, filter: work per element, and
 * nested ones per pair of elements). Such conditions are evaluated off the event loop, under a
 * deadline; the rest take time in proportion to their own length and run inline.
 */
export function isCostly(condition: string): boolean {
  let known = costly.get(condition);
  if (known === undefined) {
    if (costly.size >= PLAN_CACHE_SIZE) costly.clear();
    known = hasCostlyNode(parse(expressionOf(condition)).expr);
    costly.set(condition, known);
  }
  return known;
}

/** Looks through the whole parsed tree (a condition is at most 4 KiB, so its tree is small). */
function hasCostlyNode(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const kind = (node as { exprKind?: { case?: string; value?: { function?: string } } }).exprKind;
    if (kind?.case === 'comprehensionExpr') return true;
    if (kind?.case === 'callExpr' && kind.value?.function === 'matches') return true;
    stack.push(...Object.values(node));
  }
  return false;
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

/**
 * Evaluates every condition against a value, seen as `variable` (a hook call is `trigger`, an
 * event's payload `payload`); the first that is not true decides.
 */
export function evaluateConditions(conditions: readonly string[], value: unknown, variable = 'trigger'): ConditionsOutcome {
  if (conditions.length === 0) return { met: true };
  const bindings = { [variable]: toCel(value) };
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
