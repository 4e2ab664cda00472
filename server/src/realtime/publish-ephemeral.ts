import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { EVENTS_CHANNEL } from './record-event.js';

export interface EphemeralEventMap {
  /** The customer or an operator is typing. */
  typing: { sessionId: string; who: 'customer' | 'operator'; name: string | null; typing: boolean };
}

/**
 * Passing signals (typing) that are worth nothing later: sent to every process like events, but not stored,
 * not numbered, and not replayed to a client that reconnects.
 */
export async function publishEphemeral<N extends keyof EphemeralEventMap>(
  db: Executor,
  tenantId: string,
  name: N,
  targetRooms: string[],
  payload: EphemeralEventMap[N],
): Promise<void> {
  const text = JSON.stringify({ tenantId, rooms: targetRooms, ephemeral: { name, payload } });
  await db.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${text})`);
}
