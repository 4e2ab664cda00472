import { and, eq, isNull } from 'drizzle-orm';
import { Type } from 'typebox';
import { contacts, sessions } from '../../db/schema.js';
import { defineJob } from '../../jobs/job-definition.js';
import { rooms } from '../../realtime/event-map.js';
import { recordEvent } from '../../realtime/record-event.js';
import { announceSession } from '../../sessions/announce.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { openCredentials } from '../channel-accounts.repo.js';
import { callMessengerGraph, MessengerGraphError } from './call-messenger-graph.js';
import { mapMessengerError } from './map-messenger-error.js';
import { messengerRuntime } from './messenger-runtime.js';
import { findPageAccount } from './messenger.repo.js';

interface Profile {
  first_name?: string;
  last_name?: string;
  profile_pic?: string;
}

/**
 * Fills a new Messenger contact's name and picture from the User Profile API, after the webhook was answered.
 * Only empty fields are filled, so an operator's edit is never overwritten. 100/2018218 ("no profile
 * available", e.g. accounts made with a phone number) leaves the contact as it is.
 */
export const fetchMessengerProfile = defineJob({
  name: 'messenger-fetch-profile',
  payload: Type.Object({
    tenantId: Type.String(),
    channelAccountId: Type.String(),
    contactId: Type.String(),
    sessionId: Type.String(),
    psid: Type.String(),
  }),
  retry: { limit: 5, delaySeconds: 2, backoff: true },
  async handle(deps: EngineDeps, payload) {
    const db = deps.database.db;
    const runtime = messengerRuntime();
    const account = await findPageAccount(db, payload.channelAccountId);
    if (!account) return;
    const { pageAccessToken } = openCredentials(runtime.secretBox, account);
    let profile: Profile;
    try {
      profile = await callMessengerGraph<Profile>(
        runtime.graph,
        pageAccessToken ?? '',
        'GET',
        encodeURIComponent(payload.psid),
        undefined,
        { fields: 'first_name,last_name,profile_pic' },
      );
    } catch (error) {
      if (error instanceof MessengerGraphError && mapMessengerError(error).retryable) throw error;
      return;
    }
    const firstName = profile.first_name?.trim() || null;
    const lastName = profile.last_name?.trim() || null;
    const name = [firstName, lastName].filter(Boolean).join(' ') || null;
    const avatarUrl = profile.profile_pic || null;
    if (!name && !avatarUrl) return;
    await db.transaction(async (tx) => {
      const [contact] = await tx
        .select()
        .from(contacts)
        .where(
          and(
            eq(contacts.id, payload.contactId),
            eq(contacts.tenantId, payload.tenantId),
            isNull(contacts.mergedIntoId),
          ),
        )
        .for('update');
      if (!contact) return;
      const patch = {
        ...(contact.name === null && name ? { name } : {}),
        ...(contact.firstName === null && firstName ? { firstName } : {}),
        ...(contact.lastName === null && lastName ? { lastName } : {}),
        ...(contact.avatarUrl === null && avatarUrl ? { avatarUrl } : {}),
      };
      if (Object.keys(patch).length === 0) return;
      await tx
        .update(contacts)
        .set({ ...patch, updatedAt: deps.now() })
        .where(eq(contacts.id, contact.id));
      await recordEvent(tx, payload.tenantId, 'contact.changed', [rooms.tenant(payload.tenantId)], {
        contactId: contact.id,
        change: 'updated',
        mergedIntoId: null,
      });
      // The session list and the offer show the contact's name: push them again with it.
      const [session] = await tx.select().from(sessions).where(eq(sessions.id, payload.sessionId));
      if (session && session.state !== 'ended') await announceSession(tx, deps, session);
    });
  },
});
