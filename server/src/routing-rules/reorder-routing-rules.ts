import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { listRules, lockTenantRules, renumberRules } from './routing-rules.repo.js';

/** Puts every rule of the tenant in the given order. The list must name each rule exactly once. */
export async function reorderRoutingRules(deps: { database: Database }, actor: Actor, ids: string[]) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRules(tx, actor.tenantId);
    const current = (await listRules(tx, actor.tenantId)).map((r) => r.id);
    const same = current.length === ids.length && current.every((id) => ids.includes(id));
    if (!same)
      throw new AppError('unprocessable', 'List every routing rule of the tenant exactly once', {
        expected: current.length,
      });
    await renumberRules(tx, actor.tenantId, ids);
    await recordAudit(tx, actor, 'routing_rule.reorder', { type: 'tenant', id: actor.tenantId }, { ids });
    return listRules(tx, actor.tenantId);
  });
}
