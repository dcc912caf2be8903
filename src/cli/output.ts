import { stringify as toYaml } from 'yaml';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'wide', 'json', 'yaml', 'name'];

/** A column of a table: its heading and how a row shows in it. */
export type Column<T> = [heading: string, cell: (row: T) => unknown];

/** What a kind shows as a table; `wide` adds its wide columns. */
export interface Columns<T> {
  table: Column<T>[];
  wide: Column<T>[];
}

/** Rows as a table with aligned columns (kubectl's way; `wide` has more of them), as JSON or YAML documents, or as their names (the first column) alone. */
export function render<T>(rows: T[], { table, wide }: Columns<T>, format: OutputFormat): string {
  const columns = format === 'wide' ? [...table, ...wide] : table;
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (format === 'yaml') return toYaml(rows);
  if (format === 'name') return rows.map((row) => `${shown(table[0][1](row))}\n`).join('');
  const cells = [columns.map(([heading]) => heading), ...rows.map((row) => columns.map(([, cell]) => shown(cell(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]))).join('   ').trimEnd()).join('\n') + '\n';
}

/** One document (a single job, say) as JSON or YAML; a table shows it as one row. */
export function renderOne<T>(row: T, columns: Columns<T>, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(row, null, 2) + '\n';
  if (format === 'yaml') return toYaml(row);
  return render([row], columns, format);
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/\s+/g, ' ');
}

/** How long ago an ISO time was, as a person reads it: 5s, 3m, 2h, 4d. */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
