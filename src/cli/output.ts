import { stringify as toYaml } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

/** A column of a table: its heading and how a row shows in it. */
export type Column<T> = [heading: string, cell: (row: T) => unknown];

/** Rows as a table with aligned columns (kubectl's way), or as JSON or YAML documents. */
export function render<T>(rows: T[], columns: Column<T>[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (format === 'yaml') return toYaml(rows);
  const cells = [columns.map(([heading]) => heading), ...rows.map((row) => columns.map(([, cell]) => shown(cell(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]))).join('   ').trimEnd()).join('\n') + '\n';
}

/** One document (a single job, say) as JSON or YAML; a table shows it as one row. */
export function renderOne<T>(row: T, columns: Column<T>[], format: OutputFormat): string {
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
