import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { sessions, wrapupReasons } from '../db/schema.js';

const reasonColumns = {
  id: wrapupReasons.id,
  name: wrapupReasons.name,
  active: wrapupReasons.active,
  createdAt: wrapupReasons.createdAt,
};

export async function listReasons(
  db: Executor,
  tenantId: string,
  options: { q?: string | undefined; includeInactive: boolean },
) {
  const q = options.q?.trim();
  return db
    .select(reasonColumns)
    .from(wrapupReasons)
    .where(
      and(
        eq(wrapupReasons.tenantId, tenantId),
        options.includeInactive ? undefined : eq(wrapupReasons.active, true),
        q ? sql`${wrapupReasons.name} ILIKE ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : undefined,
      ),
    )
    .orderBy(asc(sql`lower(${wrapupReasons.name})`), asc(wrapupReasons.id));
}

export async function findReason(db: Executor, tenantId: string, reasonId: string) {
  const [row] = await db
    .select(reasonColumns)
    .from(wrapupReasons)
    .where(and(eq(wrapupReasons.tenantId, tenantId), eq(wrapupReasons.id, reasonId)));
  return row;
}

export async function reasonNameTaken(db: Executor, tenantId: string, name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: wrapupReasons.id })
    .from(wrapupReasons)
    .where(
      and(
        eq(wrapupReasons.tenantId, tenantId),
        sql`lower(${wrapupReasons.name}) = lower(${name})`,
        exceptId ? ne(wrapupReasons.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return Boolean(row);
}

export async function insertReason(db: Executor, row: { tenantId: string; name: string }) {
  const [reason] = await db.insert(wrapupReasons).values(row).returning({ id: wrapupReasons.id });
  return reason!;
}

export async function updateReasonRow(
  db: Executor,
  tenantId: string,
  reasonId: string,
  fields: Partial<{ name: string; active: boolean }>,
) {
  await db
    .update(wrapupReasons)
    .set(fields)
    .where(and(eq(wrapupReasons.tenantId, tenantId), eq(wrapupReasons.id, reasonId)));
}

export async function reasonInUse(db: Executor, tenantId: string, reasonId: string) {
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.wrapupReasonId, reasonId)))
    .limit(1);
  return Boolean(row);
}

export async function deleteReasonRow(db: Executor, tenantId: string, reasonId: string) {
  await db
    .delete(wrapupReasons)
    .where(and(eq(wrapupReasons.tenantId, tenantId), eq(wrapupReasons.id, reasonId)));
}

/** The table has no unique index on names, so two admins saving reasons of one tenant at once take turns. */
export async function lockTenantReasons(db: Executor, tenantId: string) {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`wrapup_reasons:${tenantId}`}, 0))`);
}
