import { eq, sql } from 'drizzle-orm';
import { oncePerTransaction, type Executor } from '../db/database.js';
import { groups, routingRules, tenants } from '../db/schema.js';
import { settingsFrom } from '../tenants/read-tenant-settings.js';
import type { RuleMatch } from './routing-rules.schema.js';
import { ruleMatches, type RoutingInput } from './rule-matches.js';

/**
 * The group a new session goes to: the first routing rule (by position) whose conditions hold, else the
 * tenant's default group, else its first group by name; null when the tenant has no group at all. What it needs
 * is read in one statement (a new session's transaction makes many), once per transaction.
 */
export async function chooseGroup(
  db: Executor,
  tenantId: string,
  input: RoutingInput,
): Promise<string | null> {
  const [row] = await oncePerTransaction(db, `choose_group ${tenantId}`, () => routingSettings(db, tenantId));
  if (!row) return null;
  const { timezone } = settingsFrom(row.settings ?? {});
  for (const rule of row.rules ?? []) {
    if (ruleMatches(rule.match, input, timezone)) return rule.groupId;
  }
  return row.defaultGroupId ?? row.firstGroupId;
}

/** The tenant's settings, its rules in order, and its default and first groups. */
function routingSettings(db: Executor, tenantId: string) {
  // Named with its table: a bare column name inside the subqueries would be the subquery's own.
  const tenantSettings = sql`${sql.identifier('tenants')}.${sql.identifier('settings')}`;
  return (
    db
      .select({
        settings: tenants.settings,
        rules: sql<Array<{ match: RuleMatch; groupId: string }> | null>`(
        SELECT json_agg(json_build_object('match', r.match, 'groupId', r.group_id)
                        ORDER BY r.position, r.created_at, r.id)
        FROM ${routingRules} r WHERE r.tenant_id = ${tenantId})`,
        defaultGroupId: sql<string | null>`(
        SELECT g.id FROM ${groups} g
        WHERE g.tenant_id = ${tenantId} AND g.id::text = ${tenantSettings}->>'defaultGroupId')`,
        firstGroupId: sql<string | null>`(
        SELECT g.id FROM ${groups} g WHERE g.tenant_id = ${tenantId} ORDER BY g.name, g.id LIMIT 1)`,
      })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      // Prepared: planning its subqueries afresh cost more than running them (each is by tenant, on a small table).
      .prepare('choose_group')
      .execute()
  );
}
