import type { Database } from '../../db/database.js';
import type { Principal } from '../../realtime/socket-server.js';
import { requireVisitor } from './webchat-visitor.js';

/** The widget's socket handshake: `{ key, token }` as the REST calls use them. */
export async function authenticateVisitor(
  database: Database,
  auth: Record<string, unknown>,
): Promise<Principal | undefined> {
  if (typeof auth.key !== 'string' || typeof auth.token !== 'string') return undefined;
  try {
    const { visitor } = await requireVisitor(database.db, auth.key, auth.token);
    return { tenantId: visitor.tenantId, visitorId: visitor.id };
  } catch {
    return undefined;
  }
}
