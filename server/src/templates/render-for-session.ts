import type { Actor } from '../auth/actor.js';
import { canSeeGroup } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { findVisibleSession } from '../sessions/session-access.js';
import { firstWord, renderTemplate } from './render-template.js';
import { findTemplate, renderContext } from './templates.repo.js';

/** Fills a template for a session the caller may see, from the session's contact and the calling operator. */
export async function renderForSession(
  deps: { database: Database },
  actor: Actor,
  templateId: string,
  sessionId: string,
) {
  const db = deps.database.db;
  const template = await findTemplate(db, actor.tenantId, templateId);
  if (!template || (template.groupId && !canSeeGroup(actor, template.groupId)))
    throw AppError.notFound('Template');
  const session = await findVisibleSession(db, actor, sessionId);
  const { contact, source } = await renderContext(db, actor.tenantId, session);
  const text = renderTemplate(template.body, {
    'contact.name': contact?.name,
    'contact.firstName': contact?.firstName ?? firstWord(contact?.name),
    'contact.lastName': contact?.lastName,
    'contact.email': contact?.email,
    'contact.phone': contact?.phone,
    'operator.name': actor.name,
    'operator.firstName': firstWord(actor.name),
    'session.channel': session.channel,
    'session.source': source?.name,
  });
  return { templateId, sessionId, text };
}
