import { findChannelAccountByExternalId } from '../../server/src/channels/channel-accounts.repo.js';
import { openDatabase } from '../../server/src/db/database.js';
import { resolveContact } from '../../server/src/sessions/resolve-contact.js';
import { insertMessageOnce, insertSession } from '../../server/src/sessions/sessions.repo.js';
import { addToGroup, INBOUND_NUMBER, type BenchOperator, type BenchTenant } from './seed-bench.js';

/**
 * Opens `count` waiting sessions, each with a customer's first message, through the server's own repositories
 * (contact, session, message), without routing, timers or events. Used only for the scale phase's sessions that
 * webhooks did not open within the time allowed: what is measured there is the node holding them, not opening
 * them.
 */
export async function insertWaitingSessions(
  databaseUrl: string,
  tenant: BenchTenant,
  count: number,
  runId: string,
): Promise<void> {
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 8 });
  try {
    const account = await findChannelAccountByExternalId(
      database.db,
      'whatsapp',
      INBOUND_NUMBER.phoneNumberId,
    );
    if (!account) throw new Error('the inbound WhatsApp number is missing');
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const waId = `1777${String(i).padStart(8, '0')}`;
        await database.db.transaction(async (tx) => {
          const now = new Date();
          const contact = await resolveContact(tx, tenant.id, account.id, {
            identities: [{ kind: 'wa_id', value: waId }],
            profile: { name: `Waiting customer ${i}` },
          });
          const session = await insertSession(tx, {
            tenantId: tenant.id,
            contactId: contact.id,
            channelAccountId: account.id,
            channel: 'whatsapp',
            groupId: tenant.groupId,
            state: 'waiting',
            queuedAt: now,
            createdAt: now,
            lastCustomerMessageAt: now,
            lastMessageAt: now,
          });
          await insertMessageOnce(tx, {
            tenantId: tenant.id,
            sessionId: session.id,
            channelAccountId: account.id,
            direction: 'in',
            authorKind: 'customer',
            text: 'Hello, is anyone there?',
            channelMessageId: `wamid.${Buffer.from(`${runId}:waiting:${i}`).toString('base64')}`,
            status: 'received',
            metadata: {},
            createdAt: now,
          });
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    await database.close();
  }
}

/** The scale phase's operators join the sessions' group (they connect afterwards, so their sockets join its room). */
export async function joinScaleOperators(
  databaseUrl: string,
  tenant: BenchTenant,
  operators: BenchOperator[],
) {
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 1 });
  try {
    await addToGroup(database, tenant, operators);
  } finally {
    await database.close();
  }
}
