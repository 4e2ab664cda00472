import type { Actor } from '../auth/actor.js';
import type { Database, Executor } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { findGroup } from '../groups/groups.repo.js';
import { AppError } from '../http/app-error.js';
import { isTimeZone } from '../tenants/read-tenant-settings.js';
import {
  findRule,
  insertRule,
  listRules,
  lockTenantRules,
  renumberRules,
  tenantChannelAccountIds,
  updateRuleRow,
} from './routing-rules.repo.js';
import type { RuleMatch } from './routing-rules.schema.js';

export interface RoutingRuleInput {
  match?: RuleMatch | undefined;
  groupId?: string | undefined;
  /** 1-based; out of range goes last. */
  position?: number | undefined;
}

/** Creates a rule, or changes one when `ruleId` is given; a position moves the rule and renumbers the rest. */
export async function saveRoutingRule(
  deps: { database: Database },
  actor: Actor,
  ruleId: string | undefined,
  input: RoutingRuleInput,
) {
  if (input.match?.time?.timeZone && !isTimeZone(input.match.time.timeZone))
    throw new AppError('unprocessable', `Unknown time zone: ${input.match.time.timeZone}`);
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRules(tx, actor.tenantId);
    if (ruleId && !(await findRule(tx, actor.tenantId, ruleId))) throw AppError.notFound('Routing rule');
    if (input.groupId && !(await findGroup(tx, actor.tenantId, input.groupId)))
      throw AppError.notFound('Group');
    if (input.match) await checkChannelAccounts(tx, actor.tenantId, input.match);

    const order = (await listRules(tx, actor.tenantId)).map((r) => r.id);
    let id = ruleId;
    if (id) {
      const fields = {
        ...(input.match ? { match: input.match } : {}),
        ...(input.groupId ? { groupId: input.groupId } : {}),
      };
      if (Object.keys(fields).length) await updateRuleRow(tx, actor.tenantId, id, fields);
    } else {
      id = (
        await insertRule(tx, {
          tenantId: actor.tenantId,
          position: order.length + 1,
          match: input.match!,
          groupId: input.groupId!,
        })
      ).id;
    }
    if (input.position !== undefined || !ruleId) {
      const rest = order.filter((other) => other !== id);
      const at = Math.min((input.position ?? rest.length + 1) - 1, rest.length);
      rest.splice(at, 0, id);
      await renumberRules(tx, actor.tenantId, rest);
    }
    await recordAudit(
      tx,
      actor,
      ruleId ? 'routing_rule.update' : 'routing_rule.create',
      {
        type: 'routing_rule',
        id,
      },
      { ...input },
    );
    return (await findRule(tx, actor.tenantId, id))!;
  });
}

async function checkChannelAccounts(tx: Executor, tenantId: string, match: RuleMatch) {
  const wanted = match.channelAccountIds ?? [];
  const known = await tenantChannelAccountIds(tx, tenantId, wanted);
  if (known.length !== wanted.length) throw AppError.notFound('Channel account');
}
