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
/** Whether each condition's cost is bounded by its own length (see runsInline). */
const inline = new Map<string, boolean>();
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
 * Whether a condition's cost is bounded by its own length, whatever the payload: field access,
 * literals, `&&` `||` `!` `?:`, indexing by a literal, comparisons with a literal on one side, and
 * `in` a literal list. Such conditions run inline. Anything else — a regular expression, a
 * comprehension, `+` (which copies lists and strings), `size()`, `contains()`, a comparison of two
 * payload values — can cost in proportion to the payload for each of its terms, so it runs on an
 * evaluation thread under a deadline (evaluation-pool.ts). Deny by default: a new function is costly
 * until it is listed here.
 */
export function runsInline(condition: string): boolean {
  let known = inline.get(condition);
  if (known === undefined) {
    if (inline.size >= PLAN_CACHE_SIZE) inline.clear();
    known = boundedNode(parse(expressionOf(condition)).expr);
    inline.set(condition, known);
  }
  return known;
}

type Node = { exprKind?: { case?: string; value?: any } } | undefined;

const LOGIC = new Set(['_&&_', '_||_', '!_', '_?_:_', '-_']);
const COMPARE = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_']);

/** A literal: a constant, or a list of literals. */
function literal(node: Node): boolean {
  const kind = node?.exprKind;
  if (kind?.case === 'constExpr') return true;
  if (kind?.case === 'listExpr') return (kind.value.elements as Node[]).every(literal);
  return false;
}

/** Whether evaluating the node costs no more than its own size, whatever the value bound to it. */
function boundedNode(node: Node): boolean {
  const kind = node?.exprKind;
  switch (kind?.case) {
    case 'constExpr':
    case 'identExpr':
      return true;
    case 'selectExpr':
      return boundedNode(kind.value.operand);
    case 'listExpr':
      return literal(node);
    case 'callExpr': {
      const { function: fn, target, args } = kind.value as { function: string; target?: Node; args: Node[] };
      if (target !== undefined || !args.every(boundedNode)) return false;
      if (LOGIC.has(fn)) return true;
      if (fn === '_[_]') return literal(args[1]);
      if (COMPARE.has(fn)) return literal(args[0]) || literal(args[1]);
      if (fn === '@in') return literal(args[1]);
      return false;
    }
    default:
      return false;
  }
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
  return evaluateBound(conditions, { [variable]: toCel(value) });
}

/** Each condition on its own against the same value (endpoint filters of one event), the value converted once. */
export function evaluateEach(conditions: readonly string[], value: unknown, variable: string, each: (i: number, outcome: ConditionsOutcome) => void): void {
  const bindings = { [variable]: toCel(value) };
  conditions.forEach((condition, i) => each(i, evaluateBound([condition], bindings)));
}

function evaluateBound(conditions: readonly string[], bindings: Record<string, unknown>): ConditionsOutcome {
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
