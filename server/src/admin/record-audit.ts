import type { Actor } from '../auth/actor.js';
import type { Executor } from '../db/database.js';
import { auditLog } from '../db/schema.js';

/** Adds an administrative action to the tenant's audit log, in the same transaction as the action. */
export async function recordAudit(
  db: Executor,
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  data: Record<string, unknown> = {},
): Promise<void> {
  await db.insert(auditLog).values({
    tenantId: actor.tenantId,
    actorKind: actor.kind,
    actorId: actor.id,
    action,
    targetType: target.type,
    targetId: target.id,
    data,
  });
}
