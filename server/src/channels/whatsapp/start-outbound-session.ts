import { and, eq, inArray } from 'drizzle-orm';
import type { Actor } from '../../auth/actor.js';
import { isBlacklisted } from '../../blacklist/is-blacklisted.js';
import { contactIdentities, contacts } from '../../db/schema.js';
import { AppError } from '../../http/app-error.js';
import { chooseGroup } from '../../routing-rules/choose-group.js';
import { lockTenantRouting } from '../../routing/routing-lock.js';
import { announceMessage, announceSession, recordTimeline } from '../../sessions/announce.js';
import { deliverMessage } from '../../sessions/deliver-message.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { resolveContact } from '../../sessions/resolve-contact.js';
import { scheduleSessionTimers } from '../../sessions/session-timers.js';
import { sessionView } from '../../sessions/session-view.js';
import {
  addParticipant,
  findOpenSession,
  insertMessageOnce,
  insertSession,
} from '../../sessions/sessions.repo.js';
import { prepareTemplate } from './send-whatsapp-template.js';
import { findWhatsAppAccount } from './whatsapp.repo.js';

export interface OutboundSessionInput {
  channelAccountId: string;
  to: { phone?: string | undefined; contactId?: string | undefined };
  template: { name: string; language: string; parameters: string[] };
}

const E164 = /^\+[1-9][0-9]{7,14}$/;

/**
 * An operator writes first (seed 001, "client direct message"): an approved template to a phone number or a
 * contact, from one of the tenant's numbers. The session starts active, owned by the operator, opened by them
 * (`origin: operator`) and locked until the customer answers; the template goes through the outbox. Refused
 * for a blacklisted contact, and when the contact already has an open session on that number.
 */
export async function startOutboundSession(deps: EngineDeps, actor: Actor, input: OutboundSessionInput) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Only an operator can start a session');
  const { phone, contactId } = input.to;
  if (Boolean(phone) === Boolean(contactId))
    throw new AppError('validation_failed', 'Give either a phone number or a contact');
  if (phone && !E164.test(phone))
    throw new AppError('invalid_phone_number', 'Enter the number in international form, e.g. +420777123456', {
      phone,
    });
  return deps.database.db.transaction(async (tx) => {
    // Lock order everywhere: the routing lock before any event is recorded.
    await lockTenantRouting(tx, actor.tenantId);
    const account = await findWhatsAppAccount(tx, input.channelAccountId);
    if (!account || account.tenantId !== actor.tenantId || !account.enabled)
      throw AppError.notFound('WhatsApp number');
    const prepared = await prepareTemplate(tx, account.id, input.template);

    let contact;
    if (contactId) {
      [contact] = await tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.id, contactId), eq(contacts.tenantId, actor.tenantId)));
      if (!contact || contact.mergedIntoId) throw AppError.notFound('Contact');
      const [identity] = await tx
        .select({ id: contactIdentities.id })
        .from(contactIdentities)
        .where(
          and(
            eq(contactIdentities.contactId, contact.id),
            inArray(contactIdentities.kind, ['wa_id', 'bsuid']),
          ),
        );
      if (!identity && !contact.phone)
        throw new AppError('unprocessable', 'The contact has no WhatsApp number', {
          reason: 'no_whatsapp_number',
        });
      if (!identity)
        await tx
          .insert(contactIdentities)
          .values({
            tenantId: actor.tenantId,
            contactId: contact.id,
            kind: 'wa_id',
            value: contact.phone!.replace(/\D/g, ''),
          })
          .onConflictDoNothing();
    } else {
      const waId = phone!.slice(1);
      contact = await resolveContact(tx, actor.tenantId, account.id, {
        identities: [{ kind: 'wa_id', value: waId }],
        profile: { phone: phone! },
      });
    }
    if (await isBlacklisted(tx, actor.tenantId, { contactId: contact.id }))
      throw new AppError('contact_blacklisted', 'The contact is on the blacklist');
    const open = await findOpenSession(tx, actor.tenantId, contact.id, account.id);
    if (open)
      throw new AppError('open_session_exists', 'The contact has an open session on this number', {
        sessionId: open.id,
      });

    const now = deps.now();
    const groupId = await chooseGroup(tx, actor.tenantId, {
      channel: 'whatsapp',
      channelAccountId: account.id,
      at: now,
    });
    const session = await insertSession(tx, {
      tenantId: actor.tenantId,
      contactId: contact.id,
      channelAccountId: account.id,
      channel: 'whatsapp',
      groupId,
      state: 'active',
      origin: 'operator',
      lockedUntilReply: true,
      queuedAt: now,
      acceptedAt: now,
      lastMessageAt: now,
      createdAt: now,
    });
    await addParticipant(tx, {
      tenantId: actor.tenantId,
      sessionId: session.id,
      userId: actor.id,
      role: 'owner',
      joinedAt: now,
    });
    await recordTimeline(tx, session, {
      type: 'created',
      actorKind: 'operator',
      actorUserId: actor.id,
      data: { groupId, origin: 'operator', template: prepared.template.name },
      at: now,
    });
    const { message } = await insertMessageOnce(tx, {
      tenantId: actor.tenantId,
      sessionId: session.id,
      channelAccountId: account.id,
      direction: 'out',
      authorKind: 'operator',
      authorUserId: actor.id,
      text: prepared.text,
      status: 'sending',
      metadata: {
        template: {
          name: prepared.template.name,
          language: prepared.template.language,
          components: prepared.components,
        },
      },
      createdAt: now,
    });
    await scheduleSessionTimers(tx, deps, session);
    const delivered = await deliverMessage(tx, deps, session, message);
    await announceMessage(tx, session, delivered);
    await announceSession(tx, deps, session);
    return sessionView(tx, actor.tenantId, session.id, deps);
  });
}
