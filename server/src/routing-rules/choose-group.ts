import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { groups } from '../db/schema.js';
import { findGroup } from '../groups/groups.repo.js';
import { readTenantSettings } from '../tenants/read-tenant-settings.js';
import { listRules } from './routing-rules.repo.js';
import { ruleMatches, type RoutingInput } from './rule-matches.js';

/**
 * The group a new session goes to: the first routing rule (by position) whose conditions hold, else the
 * tenant's default group, else its first group by name; null when the tenant has no group at all.
 */
export async function chooseGroup(
  db: Executor,
  tenantId: string,
  input: RoutingInput,
): Promise<string | null> {
  const settings = await readTenantSettings(db, tenantId);
  for (const rule of await listRules(db, tenantId)) {
    if (ruleMatches(rule.match, input, settings.timezone)) return rule.groupId;
  }
  if (settings.defaultGroupId && (await findGroup(db, tenantId, settings.defaultGroupId)))
    return settings.defaultGroupId;
  const [first] = await db
    .select({ id: groups.id })
    .from(groups)
    .where(eq(groups.tenantId, tenantId))
    .orderBy(asc(groups.name), asc(groups.id))
    .limit(1);
  return first?.id ?? null;
}
