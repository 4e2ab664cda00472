import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { contactView } from './contact-view.js';

/** One contact with its identities. A read by an API key is written to the audit log. */
export async function readContact(deps: { database: Database }, actor: Actor, contactId: string) {
  const contact = await contactView(deps.database.db, actor.tenantId, contactId);
  if (!contact) throw AppError.notFound('Contact');
  if (actor.kind === 'api_key')
    await recordAudit(deps.database.db, actor, 'contact.read', { type: 'contact', id: contactId });
  return contact;
}
