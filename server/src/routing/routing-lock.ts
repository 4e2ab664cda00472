import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';

/**
 * Serialises every decision that changes who has which session in a tenant (offers, accepts, transfers, ends,
 * presence) for the rest of the transaction, across all processes. With it, a session is offered to one
 * operator at a time, accepted once, and no operator passes their capacity, whatever runs concurrently.
 * Messages that join an open session do not take it.
 */
export async function lockTenantRouting(tx: Executor, tenantId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`routing:${tenantId}`}, 0))`);
}
