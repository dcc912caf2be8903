import { readFileSync } from 'node:fs';

/** A fenced code block of a page that is an example to run: shell, JSON or YAML. */
export interface Example {
  file: string;
  /** The line of its opening fence, 1-based. */
  line: number;
  lang: 'sh' | 'json' | 'yaml';
  text: string;
  /** Set by `<!-- not run: why -->` on the line before: the block installs or runs the project itself. */
  notRun?: string;
  /** Set by `<!-- fails with: text -->`: a shell example showing a refusal, whose output holds the text. */
  failsWith?: string;
}

const LANGS: Record<string, Example['lang']> = { sh: 'sh', bash: 'sh', shell: 'sh', json: 'json', yaml: 'yaml', yml: 'yaml' };
const NOT_RUN = /^<!-- not run: (.+) -->$/;
const FAILS_WITH = /^<!-- fails with: (.+) -->$/;

/** The examples of a Markdown page, in order. Blocks of other languages (or none) are text, not examples. */
export function examplesOf(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block is not closed`);
    const lang = LANGS[open[1]];
    const notRun = NOT_RUN.exec(lines[i - 1] ?? '')?.[1];
    const failsWith = FAILS_WITH.exec(lines[i - 1] ?? '')?.[1];
    if (lang) examples.push({ file, line: i + 1, lang, text: lines.slice(i + 1, end).join('\n'), ...(notRun ? { notRun } : {}), ...(failsWith ? { failsWith } : {}) });
    i = end;
  }
  return examples;
}
