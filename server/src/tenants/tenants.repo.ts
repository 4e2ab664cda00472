import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { tenants } from '../db/schema.js';

export async function findTenantSettings(db: Executor, tenantId: string) {
  const [row] = await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.settings;
}

/** Merges `patch` into the stored settings (`settings || patch`): keys other modules keep there stay as they are. */
export async function mergeTenantSettings(db: Executor, tenantId: string, patch: Record<string, unknown>) {
  const [row] = await db
    .update(tenants)
    .set({ settings: sql`${tenants.settings} || ${JSON.stringify(patch)}::jsonb` })
    .where(eq(tenants.id, tenantId))
    .returning({ settings: tenants.settings });
  return row?.settings;
}
