import { Type } from 'typebox';
import type { Database } from '../../db/database.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { callGraph } from './call-graph.js';
import { credentialsOf } from './credentials-of.js';
import { whatsappRuntime, type WhatsAppRuntime } from './whatsapp-runtime.js';
import { replaceTemplates, type TemplateFromMeta } from './whatsapp-templates.repo.js';
import { allWhatsAppAccounts, type ChannelAccountRow } from './whatsapp.repo.js';

interface TemplatePage {
  data?: Array<Record<string, unknown>>;
  paging?: { cursors?: { after?: string }; next?: string };
}

const PAGE_SIZE = 100;
/** A guard against a paging loop: 250 templates per WABA is Meta's limit. */
const MAX_PAGES = 20;

/**
 * Reads every template of the number's WhatsApp Business Account (following Meta's paging) and stores them:
 * name, language, category, status, components. Templates Meta no longer has are removed.
 */
export async function syncWhatsAppTemplates(
  deps: { database: Database; now: () => Date; runtime: Pick<WhatsAppRuntime, 'graph' | 'secretBox'> },
  account: ChannelAccountRow,
  pageSize = PAGE_SIZE,
): Promise<{ synced: number }> {
  const wabaId = account.settings.wabaId;
  if (typeof wabaId !== 'string') return { synced: 0 };
  const { accessToken } = credentialsOf(deps.runtime.secretBox, account);
  const templates: TemplateFromMeta[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: String(pageSize), ...(after ? { after } : {}) });
    const answer = await callGraph<TemplatePage>(
      deps.runtime.graph,
      accessToken ?? '',
      'GET',
      `${encodeURIComponent(wabaId)}/message_templates?${query}`,
    );
    for (const item of answer.data ?? []) {
      if (typeof item.name !== 'string' || typeof item.language !== 'string') continue;
      templates.push({
        name: item.name,
        language: item.language,
        category: typeof item.category === 'string' ? item.category : 'UTILITY',
        status: typeof item.status === 'string' ? item.status : 'PENDING',
        components: Array.isArray(item.components) ? item.components : [],
      });
    }
    after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
    if (!after) break;
  }
  await deps.database.db.transaction((tx) => replaceTemplates(tx, account, templates, deps.now()));
  return { synced: templates.length };
}

/** Keeps every number's templates fresh: hourly, and at once when a number is connected. */
export const syncTemplatesJob = defineJob({
  name: 'whatsapp-sync-templates',
  payload: Type.Object({ channelAccountId: Type.Optional(Type.String()) }),
  retry: { limit: 3, delaySeconds: 30, backoff: true },
  schedule: '17 * * * *',
  async handle(deps: EngineDeps, payload) {
    const runtime = whatsappRuntime();
    const accounts = (await allWhatsAppAccounts(deps.database.db)).filter(
      (a) => !payload.channelAccountId || a.id === payload.channelAccountId,
    );
    let failure: unknown;
    for (const account of accounts) {
      // One number with a revoked token does not keep the others stale.
      try {
        await syncWhatsAppTemplates({ database: deps.database, now: deps.now, runtime }, account);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure && payload.channelAccountId) throw failure;
  },
});
