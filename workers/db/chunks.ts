import { getTableColumns, type Table } from "drizzle-orm";

/** D1 binds at most 100 parameters per statement (libSQL more; the smaller limit holds for both). */
export const MAX_BOUND_PARAMETERS = 100;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** How many rows of `table` one multi-row insert may carry: each binds one parameter per column. */
export function rowsPerStatement(table: Table): number {
  return Math.floor(MAX_BOUND_PARAMETERS / Object.keys(getTableColumns(table)).length);
}
