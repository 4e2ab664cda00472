import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { channelAccounts, routingRules } from '../db/schema.js';
import type { RuleMatch } from './routing-rules.schema.js';

const ruleColumns = {
  id: routingRules.id,
  position: routingRules.position,
  match: sql<RuleMatch>`${routingRules.match}`,
  groupId: routingRules.groupId,
  createdAt: routingRules.createdAt,
};

export async function listRules(db: Executor, tenantId: string) {
  return db
    .select(ruleColumns)
    .from(routingRules)
    .where(eq(routingRules.tenantId, tenantId))
    .orderBy(asc(routingRules.position), asc(routingRules.createdAt), asc(routingRules.id));
}

export async function findRule(db: Executor, tenantId: string, ruleId: string) {
  const [row] = await db
    .select(ruleColumns)
    .from(routingRules)
    .where(and(eq(routingRules.tenantId, tenantId), eq(routingRules.id, ruleId)));
  return row;
}

/** Serialises changes to one tenant's rule order: two admins reordering at once take turns. */
export async function lockTenantRules(db: Executor, tenantId: string) {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`routing_rules:${tenantId}`}, 0))`);
}

export async function insertRule(
  db: Executor,
  row: { tenantId: string; position: number; match: RuleMatch; groupId: string },
) {
  const [rule] = await db.insert(routingRules).values(row).returning({ id: routingRules.id });
  return rule!;
}

export async function updateRuleRow(
  db: Executor,
  tenantId: string,
  ruleId: string,
  fields: Partial<{ match: RuleMatch; groupId: string; position: number }>,
) {
  await db
    .update(routingRules)
    .set(fields)
    .where(and(eq(routingRules.tenantId, tenantId), eq(routingRules.id, ruleId)));
}

export async function deleteRuleRow(db: Executor, tenantId: string, ruleId: string) {
  const rows = await db
    .delete(routingRules)
    .where(and(eq(routingRules.tenantId, tenantId), eq(routingRules.id, ruleId)))
    .returning({ id: routingRules.id });
  return rows.length > 0;
}

/** Writes positions 1…n in the given order. */
export async function renumberRules(db: Executor, tenantId: string, orderedIds: string[]) {
  for (const [index, id] of orderedIds.entries()) {
    await db
      .update(routingRules)
      .set({ position: index + 1 })
      .where(and(eq(routingRules.tenantId, tenantId), eq(routingRules.id, id)));
  }
}

export async function tenantChannelAccountIds(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.tenantId, tenantId), inArray(channelAccounts.id, ids)));
  return rows.map((r) => r.id);
}
