import { getTableColumns, type InferSelectModel } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * A table's row as the query layer returns it, from the row as JSON (`to_jsonb(t)` in a raw statement): each
 * column's value is decoded by the column itself (timestamps to dates, bigints to numbers), keys in the schema's
 * names. For raw statements that return whole rows of several tables, which plain columns would mix up.
 */
export function rowFromJson<T extends PgTable>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}
