/** Columns whose cells are right-aligned (numbers). */
export interface TableColumn {
  title: string;
  right?: boolean;
}

/** A plain-text table with a header rule, padded to the widest cell of each column. */
export function renderTable(columns: TableColumn[], rows: string[][]): string {
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (columns[i]?.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.title));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [header, rule, ...rows.map(line)].join('\n');
}
