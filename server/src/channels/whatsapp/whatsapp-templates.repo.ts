import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { whatsappTemplates } from '../../db/schema.js';

export interface TemplateFromMeta {
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
}

/** Inserts or refreshes the number's templates, and drops the ones Meta no longer has. */
export async function replaceTemplates(
  tx: Executor,
  account: { id: string; tenantId: string },
  templates: TemplateFromMeta[],
  at: Date,
): Promise<void> {
  for (const template of templates) {
    await tx
      .insert(whatsappTemplates)
      .values({ tenantId: account.tenantId, channelAccountId: account.id, ...template, syncedAt: at })
      .onConflictDoUpdate({
        target: [whatsappTemplates.channelAccountId, whatsappTemplates.name, whatsappTemplates.language],
        set: {
          category: template.category,
          status: template.status,
          components: template.components,
          syncedAt: at,
        },
      });
  }
  const keep = new Set(templates.map((t) => `${t.name}\u0000${t.language}`));
  const stored = await tx
    .select({ id: whatsappTemplates.id, name: whatsappTemplates.name, language: whatsappTemplates.language })
    .from(whatsappTemplates)
    .where(eq(whatsappTemplates.channelAccountId, account.id));
  const gone = stored.filter((t) => !keep.has(`${t.name}\u0000${t.language}`)).map((t) => t.id);
  if (gone.length) await tx.delete(whatsappTemplates).where(inArray(whatsappTemplates.id, gone));
}

export async function listTemplates(
  db: Executor,
  tenantId: string,
  channelAccountId: string,
  options: { approvedOnly: boolean },
) {
  return db
    .select()
    .from(whatsappTemplates)
    .where(
      and(
        eq(whatsappTemplates.tenantId, tenantId),
        eq(whatsappTemplates.channelAccountId, channelAccountId),
        ...(options.approvedOnly ? [eq(whatsappTemplates.status, 'APPROVED')] : []),
      ),
    )
    .orderBy(asc(whatsappTemplates.name), asc(whatsappTemplates.language));
}

export async function findTemplate(db: Executor, channelAccountId: string, name: string, language: string) {
  const [row] = await db
    .select()
    .from(whatsappTemplates)
    .where(
      and(
        eq(whatsappTemplates.channelAccountId, channelAccountId),
        eq(whatsappTemplates.name, name),
        eq(whatsappTemplates.language, language),
      ),
    );
  return row;
}

/** A status webhook: the template's new review status on these numbers. Answers how many rows changed. */
export async function setTemplateStatus(
  db: Executor,
  channelAccountIds: string[],
  template: { name: string; language: string; status: string },
): Promise<number> {
  if (channelAccountIds.length === 0) return 0;
  const rows = await db
    .update(whatsappTemplates)
    .set({ status: template.status })
    .where(
      and(
        inArray(whatsappTemplates.channelAccountId, channelAccountIds),
        eq(whatsappTemplates.name, template.name),
        eq(whatsappTemplates.language, template.language),
      ),
    )
    .returning({ id: whatsappTemplates.id });
  return rows.length;
}
