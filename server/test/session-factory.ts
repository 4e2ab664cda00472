import { randomUUID } from 'node:crypto';
import type { Database } from '../src/db/database.js';
import { contactIdentities, contacts, messages, sessionParticipants, sessions } from '../src/db/schema.js';
import { insertChannelAccount } from '../src/channels/channel-accounts.repo.js';
import { createSecretBox } from '../src/lib/secret-box.js';
import type { TestTenant } from './factories.js';

const box = createSecretBox(Buffer.alloc(32, 7));

/** A web chat channel account of the tenant. */
export async function createTestChannelAccount(
  database: Database,
  tenant: TestTenant,
  channel: 'webchat' | 'whatsapp' | 'messenger' = 'webchat',
) {
  return insertChannelAccount(database.db, box, {
    tenantId: tenant.id,
    channel,
    name: `${channel} ${randomUUID().slice(0, 6)}`,
    externalId: randomUUID(),
  });
}

export async function createTestContact(
  database: Database,
  tenant: TestTenant,
  fields: { name?: string; email?: string; phone?: string } = {},
) {
  const [contact] = await database.db
    .insert(contacts)
    .values({
      tenantId: tenant.id,
      name: fields.name ?? 'Karel Zákazník',
      email: fields.email ?? null,
      phone: fields.phone ?? null,
    })
    .returning();
  await database.db
    .insert(contactIdentities)
    .values({ tenantId: tenant.id, contactId: contact!.id, kind: 'webchat_visitor', value: randomUUID() });
  return contact!;
}

/**
 * A session written straight to the database (for tests of what reads sessions: files, contacts, history).
 * `operatorId` makes it active with that operator as its owner.
 */
export async function createTestSession(
  database: Database,
  tenant: TestTenant,
  options: {
    groupId?: string;
    contactId?: string;
    channelAccountId?: string;
    operatorId?: string;
    state?: 'waiting' | 'active' | 'ended';
    messages?: string[];
  } = {},
) {
  const channelAccountId = options.channelAccountId ?? (await createTestChannelAccount(database, tenant)).id;
  const contactId = options.contactId ?? (await createTestContact(database, tenant)).id;
  const state = options.state ?? (options.operatorId ? 'active' : 'waiting');
  const [session] = await database.db
    .insert(sessions)
    .values({
      tenantId: tenant.id,
      contactId,
      channelAccountId,
      channel: 'webchat',
      groupId: options.groupId ?? tenant.groupA,
      state,
      ...(state === 'ended' ? { endedAt: new Date() } : {}),
    })
    .returning();
  if (options.operatorId) {
    await database.db
      .insert(sessionParticipants)
      .values({ tenantId: tenant.id, sessionId: session!.id, userId: options.operatorId, role: 'owner' });
  }
  for (const text of options.messages ?? []) {
    await database.db.insert(messages).values({
      tenantId: tenant.id,
      sessionId: session!.id,
      channelAccountId,
      direction: 'in',
      authorKind: 'customer',
      text,
      status: 'received',
    });
  }
  return session!;
}
