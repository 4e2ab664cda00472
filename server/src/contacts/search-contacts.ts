import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { identitiesOf, searchContactRows } from './contacts.repo.js';
import { decodeCursor, encodeCursor } from '../http/page-cursor.js';

/** A page of the contact directory. Reads by an API key are written to the audit log, one entry per contact. */
export async function searchContacts(
  deps: { database: Database },
  actor: Actor,
  query: { q?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const db = deps.database.db;
  const after = query.cursor ? decodeCursor(query.cursor, ['string', 'uuid']) : undefined;
  const rows = await searchContactRows(db, actor.tenantId, {
    q: query.q,
    limit: query.limit + 1,
    after: after && { name: after[0]!, id: after[1]! },
  });
  const page = rows.slice(0, query.limit);
  const identities = await identitiesOf(
    db,
    actor.tenantId,
    page.map((c) => c.id),
  );
  const items = page.map(({ sortName: _s, mergedIntoId: _m, ...contact }) => ({
    ...contact,
    identities: identities.filter((i) => i.contactId === contact.id).map(({ contactId: _c, ...i }) => i),
  }));
  if (actor.kind === 'api_key' && items.length) {
    await db.transaction(async (tx) => {
      for (const contact of items)
        await recordAudit(tx, actor, 'contact.read', { type: 'contact', id: contact.id }, { via: 'search' });
    });
  }
  const last = page.at(-1);
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sortName, last.id]) : null,
  };
}
