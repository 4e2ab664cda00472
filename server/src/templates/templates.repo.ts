import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { channelAccounts, contacts, templates } from '../db/schema.js';

const templateColumns = {
  id: templates.id,
  name: templates.name,
  body: templates.body,
  groupId: templates.groupId,
  createdAt: templates.createdAt,
};

/** Templates of the tenant, limited to tenant-wide ones and those of `groupIds` unless it is 'all'. */
export async function listTemplates(
  db: Executor,
  tenantId: string,
  options: { groupIds: string[] | 'all'; q?: string | undefined },
) {
  const q = options.q?.trim();
  const pattern = q && `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select(templateColumns)
    .from(templates)
    .where(
      and(
        eq(templates.tenantId, tenantId),
        options.groupIds === 'all'
          ? undefined
          : options.groupIds.length
            ? or(isNull(templates.groupId), inArray(templates.groupId, options.groupIds))
            : isNull(templates.groupId),
        pattern
          ? or(sql`${templates.name} ILIKE ${pattern}`, sql`${templates.body} ILIKE ${pattern}`)
          : undefined,
      ),
    )
    .orderBy(asc(sql`lower(${templates.name})`), asc(templates.id));
}

export async function findTemplate(db: Executor, tenantId: string, templateId: string) {
  const [row] = await db
    .select(templateColumns)
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), eq(templates.id, templateId)));
  return row;
}

/** Names are unique in a tenant, any case: operators pick a canned reply by its name. */
export async function templateNameTaken(db: Executor, tenantId: string, name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: templates.id })
    .from(templates)
    .where(
      and(
        eq(templates.tenantId, tenantId),
        sql`lower(${templates.name}) = lower(${name})`,
        exceptId ? ne(templates.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** The table has no unique index on names, so two admins saving templates of one tenant at once take turns. */
export async function lockTenantTemplates(db: Executor, tenantId: string) {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`templates:${tenantId}`}, 0))`);
}

export async function insertTemplate(
  db: Executor,
  row: { tenantId: string; name: string; body: string; groupId: string | null },
) {
  const [template] = await db.insert(templates).values(row).returning({ id: templates.id });
  return template!;
}

export async function updateTemplateRow(
  db: Executor,
  tenantId: string,
  templateId: string,
  fields: Partial<{ name: string; body: string; groupId: string | null }>,
) {
  await db
    .update(templates)
    .set(fields)
    .where(and(eq(templates.tenantId, tenantId), eq(templates.id, templateId)));
}

export async function deleteTemplateRow(db: Executor, tenantId: string, templateId: string) {
  const rows = await db
    .delete(templates)
    .where(and(eq(templates.tenantId, tenantId), eq(templates.id, templateId)))
    .returning({ id: templates.id });
  return rows.length > 0;
}

/** What a template's variables are filled from: the session's contact and source. */
export async function renderContext(
  db: Executor,
  tenantId: string,
  session: { contactId: string; channelAccountId: string },
) {
  const [contact] = await db
    .select({
      name: contacts.name,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      email: contacts.email,
      phone: contacts.phone,
    })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, session.contactId)));
  const [source] = await db
    .select({ name: channelAccounts.name })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.tenantId, tenantId), eq(channelAccounts.id, session.channelAccountId)));
  return { contact, source };
}
