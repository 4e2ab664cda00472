import type { Executor } from '../db/database.js';
import { sessionSettings } from '../sessions/session-settings.js';
import { settingsFrom } from '../tenants/read-tenant-settings.js';
import { ruleMatches, type RoutingInput } from './rule-matches.js';

/**
 * The group a new session goes to: the first routing rule (by position) whose conditions hold, else the
 * tenant's default group, else its first group by name; null when the tenant has no group at all. What it needs
 * is read with the rest of the tenant's session settings, once per transaction (a new session's makes many).
 */
export async function chooseGroup(
  db: Executor,
  tenantId: string,
  input: RoutingInput,
): Promise<string | null> {
  const tenant = await sessionSettings(db, tenantId);
  if (!tenant) return null;
  const { timezone } = settingsFrom(tenant.settings);
  for (const rule of tenant.rules) {
    if (ruleMatches(rule.match, input, timezone)) return rule.groupId;
  }
  return tenant.defaultGroupId ?? tenant.firstGroupId;
}
