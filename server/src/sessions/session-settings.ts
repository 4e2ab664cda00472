import { sql } from 'drizzle-orm';
import { oncePerTransaction, queryRowsPrepared, type Executor } from '../db/database.js';
import type { RuleMatch } from '../routing-rules/routing-rules.schema.js';

/** What opening a session reads of its tenant: `sessionSettings`. */
export interface SessionSettings {
  /** The tenant's settings as stored (`settingsFrom` fills in the defaults). */
  settings: Record<string, unknown>;
  /** Routing rules in the order they apply. */
  rules: Array<{ match: RuleMatch; groupId: string }>;
  /** The tenant's default group, when it names one that exists. */
  defaultGroupId: string | null;
  /** Its first group by name: where a session goes when no rule and no default decides. */
  firstGroupId: string | null;
  /** Each group's business hours and offline message, by group id. */
  groups: Record<string, { businessHours: unknown; offlineMessage: string | null }>;
  /** Each channel account's settings, by account id. */
  accounts: Record<string, Record<string, unknown>>;
}

/**
 * What opening a session reads of its tenant, in one statement and once per transaction: the tenant's settings, its
 * routing rules, its default and first groups, each group's business hours and each channel account's settings.
 * Choosing the group, setting the session's timers and checking the group's hours each read theirs from it, and a
 * transaction that opens sessions for a group of new customers made three statements for them before. Undefined
 * for a tenant that does not exist.
 */
export async function sessionSettings(tx: Executor, tenantId: string): Promise<SessionSettings | undefined> {
  const [row] = await oncePerTransaction(tx, `session_settings ${tenantId}`, () =>
    // Prepared: planning its subqueries afresh cost more than running them (each is by tenant, on a small table).
    queryRowsPrepared<{
      settings: Record<string, unknown>;
      rules: SessionSettings['rules'] | null;
      default_group_id: string | null;
      first_group_id: string | null;
      groups: SessionSettings['groups'] | null;
      accounts: SessionSettings['accounts'] | null;
    }>(
      tx,
      sql`SELECT t.settings,
            (SELECT json_agg(json_build_object('match', r.match, 'groupId', r.group_id)
                             ORDER BY r.position, r.created_at, r.id)
             FROM routing_rules r WHERE r.tenant_id = t.id) AS rules,
            (SELECT g.id FROM groups g WHERE g.tenant_id = t.id AND g.id::text = t.settings->>'defaultGroupId')
              AS default_group_id,
            (SELECT g.id FROM groups g WHERE g.tenant_id = t.id ORDER BY g.name, g.id LIMIT 1) AS first_group_id,
            (SELECT json_object_agg(g.id, json_build_object('businessHours', g.business_hours,
                                                             'offlineMessage', g.offline_message))
             FROM groups g WHERE g.tenant_id = t.id) AS groups,
            (SELECT json_object_agg(a.id, a.settings) FROM channel_accounts a WHERE a.tenant_id = t.id) AS accounts
          FROM tenants t WHERE t.id = ${tenantId}`,
    ),
  );
  return (
    row && {
      settings: row.settings ?? {},
      rules: row.rules ?? [],
      defaultGroupId: row.default_group_id,
      firstGroupId: row.first_group_id,
      groups: row.groups ?? {},
      accounts: row.accounts ?? {},
    }
  );
}
