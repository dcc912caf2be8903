import { HEADER_VALUE_RULE, isValidHeaderValue } from '../http/header-value.js';

/**
 * Templates in urls, headers and bodies: `{{.JobID}}`-style variables (Chronos spelling) and
 * `{{ trigger.body.x }}`-style paths (Kestra spelling). Values are escaped for where they land:
 * URL-encoded in a url, refused in a header if they hold CR/LF, JSON-escaped in a JSON body.
 */
const VARIABLE = /^\.([A-Za-z]\w*)$/;
const PATH = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\]|\['[^']*'\]|\["[^"]*"\])*$/;
const PATH_STEP = /\.([A-Za-z_]\w*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;

export const TEMPLATE_VARIABLES = ['JobID', 'JobName', 'ExecutionID', 'ScheduledTime', 'Attempt'] as const;
/** What templates read: the call that started the execution, earlier tasks' results, and a notification's event. */
export const TEMPLATE_ROOTS = ['trigger', 'outputs', 'event'] as const;

/** What one template may hold: more is refused when the job is saved, with the field named. */
export const TEMPLATE_LIMITS = { placeholders: 1000, expressionLength: 1024 } as const;

/** One `{{ ... }}` of a template: where it starts, where it ends (past the braces), and what it holds. */
export interface Placeholder {
  start: number;
  end: number;
  expr: string;
}

/**
 * The placeholders of a template, in one pass: each `{{` is closed by the first `}}` after it,
 * and once no `}}` follows, nothing later can close either, so any input is split in linear time.
 */
export function findPlaceholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const open = template.indexOf('{{', from);
    if (open < 0) break;
    const close = template.indexOf('}}', open + 2);
    if (close < 0) break;
    found.push({ start: open, end: close + 2, expr: template.slice(open + 2, close) });
    from = close + 2;
  }
  return found;
}

/** The template with each placeholder replaced by `by`. */
export function replacePlaceholders(template: string, by: string): string {
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(template)) {
    out += template.slice(last, p.start) + by;
    last = p.end;
  }
  return out + template.slice(last);
}

export interface TemplateContext {
  vars: Record<string, string>;
  data: Record<string, unknown>;
}

/** A template that cannot be rendered: a configuration error, never retried. */
export class TemplateError extends Error {
  readonly code = 'CONFIG_ERROR';
}

type Segment = { text: string } | { expr: string; inString: boolean };

/** A template split once into text and expressions; the cache below keeps it for the next call. */
interface Compiled {
  segments: Segment[];
  /** The body is a JSON document: its first character outside placeholders opens an object or array. */
  json: boolean;
}

/** How many distinct templates stay compiled; the cache starts over when it is full. */
const COMPILED_CACHE_SIZE = 1024;
const compiled = new Map<string, Compiled>();

function compile(template: string): Compiled {
  let entry = compiled.get(template);
  if (!entry) {
    if (compiled.size >= COMPILED_CACHE_SIZE) compiled.clear();
    entry = split(template);
    compiled.set(template, entry);
  }
  return entry;
}

/**
 * Splits a template and, for a JSON body, notes whether each expression lands inside a string
 * literal. That depends on the template's text alone: whatever is inserted is escaped to keep it.
 */
function split(template: string): Compiled {
  const segments: Segment[] = [];
  const lexer = new JsonStringTracker();
  let last = 0;
  for (const p of findPlaceholders(template)) {
    if (p.start > last) segments.push(text(template.slice(last, p.start), lexer));
    segments.push({ expr: p.expr.trim(), inString: lexer.inString });
    last = p.end;
  }
  if (last < template.length) segments.push(text(template.slice(last), lexer));
  const first = segments.map((s) => ('text' in s ? s.text : '')).join('').trimStart()[0];
  return { segments, json: first === '{' || first === '[' };
}

function text(part: string, lexer: JsonStringTracker): Segment {
  lexer.feed(part);
  return { text: part };
}

/** The roots a template reads, and the tasks whose outputs it names (`outputs.<task>`). */
export function templateRefs(template: string): { roots: Set<string>; outputs: Set<string> } {
  const roots = new Set<string>();
  const outputs = new Set<string>();
  for (const segment of compile(template).segments) {
    if (!('expr' in segment) || VARIABLE.test(segment.expr) || !PATH.test(segment.expr)) continue;
    const root = segment.expr.split(/[.[]/)[0];
    roots.add(root);
    const step = root === 'outputs' ? segment.expr.slice(root.length).matchAll(PATH_STEP).next().value : undefined;
    if (step) outputs.add(step[1] ?? step[2] ?? step[3] ?? step[4]);
  }
  return { roots, outputs };
}

/** Why `template` can never render, or undefined when it can. */
export function checkTemplate(template: string): string | undefined {
  const count = findPlaceholders(template).length;
  if (count > TEMPLATE_LIMITS.placeholders) return `holds ${count} placeholders; at most ${TEMPLATE_LIMITS.placeholders} are allowed`;
  for (const segment of compile(template).segments) {
    if (!('expr' in segment)) continue;
    const problem = checkExpression(segment.expr);
    if (problem) return problem;
  }
  return undefined;
}

function checkExpression(expr: string): string | undefined {
  if (expr.length > TEMPLATE_LIMITS.expressionLength) return `a placeholder is longer than ${TEMPLATE_LIMITS.expressionLength} characters`;
  const variable = VARIABLE.exec(expr);
  if (variable) {
    return (TEMPLATE_VARIABLES as readonly string[]).includes(variable[1])
      ? undefined
      : `unknown template variable {{.${variable[1]}}}; known: ${TEMPLATE_VARIABLES.map((v) => '.' + v).join(', ')}`;
  }
  if (!PATH.test(expr)) return `unsupported template expression {{ ${expr} }}`;
  const root = expr.split(/[.[]/)[0];
  return (TEMPLATE_ROOTS as readonly string[]).includes(root) ? undefined : `unknown template root "${root}"`;
}

function evaluate(expr: string, ctx: TemplateContext): unknown {
  const problem = checkExpression(expr);
  if (problem) throw new TemplateError(problem);
  const variable = VARIABLE.exec(expr);
  if (variable) return ctx.vars[variable[1]];
  const root = expr.split(/[.[]/)[0];
  let value: unknown = ctx.data[root];
  for (const step of expr.slice(root.length).matchAll(PATH_STEP)) {
    const key = step[1] ?? step[2] ?? step[3] ?? step[4];
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function renderWith(template: string, ctx: TemplateContext, place: (value: unknown, at: number) => string, limit: number): string {
  let out = '';
  for (const segment of compile(template).segments) {
    out += 'text' in segment ? segment.text : place(evaluate(segment.expr, ctx), out.length);
    if (out.length > limit) throw new TemplateError(`rendered template exceeds ${limit} bytes`);
  }
  return out;
}

export function renderUrl(template: string, ctx: TemplateContext, limit = 8192): string {
  return renderWith(template, ctx, (v) => encodeURIComponent(asText(v)), limit);
}

export function renderHeader(name: string, template: string, ctx: TemplateContext, limit = 8192): string {
  const value = renderWith(template, ctx, asText, limit);
  if (!isValidHeaderValue(value)) throw new TemplateError(`header ${name} ${HEADER_VALUE_RULE} after rendering`);
  return value;
}

/** True when the body is a JSON document: its first character outside placeholders opens an object or array. */
export function isJsonTemplate(template: string): boolean {
  return compile(template).json;
}

export function renderBody(template: string, ctx: TemplateContext, limit: number): string {
  const { segments, json } = compile(template);
  if (!json) return renderWith(template, ctx, asText, limit);
  let out = '';
  for (const segment of segments) {
    if ('text' in segment) {
      out += segment.text;
    } else {
      const value = evaluate(segment.expr, ctx);
      out += segment.inString ? JSON.stringify(asText(value)).slice(1, -1) : JSON.stringify(value ?? null);
    }
    if (out.length > limit) throw new TemplateError(`rendered body exceeds ${limit} bytes`);
  }
  return out;
}

/** Follows JSON text far enough to know whether the next character lands inside a string literal. */
class JsonStringTracker {
  inString = false;
  private escaped = false;

  feed(text: string): void {
    for (const ch of text) {
      if (!this.inString) {
        if (ch === '"') this.inString = true;
      } else if (this.escaped) {
        this.escaped = false;
      } else if (ch === '\\') {
        this.escaped = true;
      } else if (ch === '"') {
        this.inString = false;
      }
    }
  }
}
