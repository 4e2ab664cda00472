import type { Executor } from '../db/database.js';
import { tenantEventCounters, tenants } from '../db/schema.js';

export async function createTenant(
  db: Executor,
  input: { name: string; slug: string; settings?: Record<string, unknown> },
) {
  const [tenant] = await db
    .insert(tenants)
    .values({ name: input.name, slug: input.slug, settings: input.settings ?? {} })
    .returning();
  await db.insert(tenantEventCounters).values({ tenantId: tenant!.id, lastSeq: 0 });
  return tenant!;
}
