import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { deleteRuleRow, listRules, lockTenantRules, renumberRules } from './routing-rules.repo.js';

/** Deletes a rule; the rules after it move up, so positions stay 1…n. */
export async function deleteRoutingRule(deps: { database: Database }, actor: Actor, ruleId: string) {
  await deps.database.db.transaction(async (tx) => {
    await lockTenantRules(tx, actor.tenantId);
    if (!(await deleteRuleRow(tx, actor.tenantId, ruleId))) throw AppError.notFound('Routing rule');
    await renumberRules(
      tx,
      actor.tenantId,
      (await listRules(tx, actor.tenantId)).map((r) => r.id),
    );
    await recordAudit(tx, actor, 'routing_rule.delete', { type: 'routing_rule', id: ruleId });
  });
}
