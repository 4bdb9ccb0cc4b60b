/** How a command prints: human text (default) or JSON for scripts. */
export type OutputFormat = 'text' | 'json';

export interface Printer {
  format: OutputFormat;
  /** A single resource or result. */
  value(value: unknown, text?: () => string): void;
  /** A list of rows shown as a table in text mode. */
  table(rows: readonly Record<string, unknown>[], columns: readonly string[], raw?: unknown): void;
  /** Progress and notes: stderr, never in JSON output. */
  note(message: string): void;
}

export function createPrinter(format: OutputFormat, out = process.stdout, err = process.stderr): Printer {
  return {
    format,
    value(value, text) {
      out.write(
        format === 'json' || text === undefined ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`,
      );
    },
    table(rows, columns, raw) {
      if (format === 'json') {
        out.write(`${JSON.stringify(raw ?? rows, null, 2)}\n`);
        return;
      }
      out.write(`${renderTable(rows, columns)}\n`);
    },
    note(message) {
      err.write(`${message}\n`);
    },
  };
}

/** Left-aligned columns with a header; empty values as `-`. */
function renderTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown) =>
    v === null || v === undefined || v === '' ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}
