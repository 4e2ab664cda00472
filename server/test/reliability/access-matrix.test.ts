import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertChannelAccount } from '../../src/channels/channel-accounts.repo.js';
import { sessions } from '../../src/db/schema.js';
import { call, type Session } from '../factories.js';
import { startTwoTenants, type TwoTenants } from '../two-tenants.js';
import { startWebchat } from '../webchat-client.js';
import { listApiRoutes } from './app-routes.js';

/*
 * Every API route of the running app × every kind of caller. The table below is who may call each route; a route
 * the app has and the table does not know fails the test, so a new route cannot ship without a decision here.
 * Callers: nobody, each role of the tenant (operator of the session's group, supervisor, admin), an operator of
 * another group, and another tenant's admin holding this tenant's ids.
 */

/** `visitor`: public to the access check, but the route itself asks for the widget's visitor token. */
type Access = 'public' | 'visitor' | 'operator' | 'supervisor' | 'admin';
const ACCESS: Record<string, Access> = {
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'operator',
  'GET /api/v1/auth/me': 'operator',
  'GET /api/v1/api-keys': 'admin',
  'POST /api/v1/api-keys': 'admin',
  'DELETE /api/v1/api-keys/:id': 'admin',
  'GET /api/v1/admin/blocked-file-types': 'admin',
  'PUT /api/v1/admin/blocked-file-types': 'admin',
  'GET /api/v1/blacklist': 'admin',
  'POST /api/v1/blacklist': 'admin',
  'GET /api/v1/blacklist/:id': 'admin',
  'PATCH /api/v1/blacklist/:id': 'admin',
  'DELETE /api/v1/blacklist/:id': 'admin',
  'GET /api/v1/channel-accounts': 'operator',
  'POST /api/v1/channel-accounts/whatsapp': 'admin',
  'POST /api/v1/channel-accounts/messenger': 'admin',
  'POST /api/v1/channel-accounts/webchat': 'admin',
  'GET /api/v1/admin/channel-accounts': 'admin',
  'GET /api/v1/channel-accounts/:id': 'admin',
  'PATCH /api/v1/channel-accounts/:id': 'admin',
  'GET /api/v1/channel-accounts/:id/whatsapp-templates': 'operator',
  'POST /api/v1/channel-accounts/:id/whatsapp-templates/sync': 'admin',
  'GET /api/v1/contacts': 'operator',
  'GET /api/v1/contacts/:id': 'operator',
  'PATCH /api/v1/contacts/:id': 'operator',
  'DELETE /api/v1/contacts/:id': 'admin',
  'POST /api/v1/contacts/:id/merge': 'admin',
  'GET /api/v1/contacts/:id/sessions': 'operator',
  'GET /api/v1/contacts/:id/export': 'admin',
  'GET /api/v1/contacts/:id/files': 'operator',
  'GET /api/v1/files/upload-policy': 'operator',
  'GET /api/v1/files/:id': 'operator',
  'GET /api/v1/files/:id/content': 'operator',
  'GET /api/v1/files/:id/thumbnail': 'operator',
  'POST /api/v1/files/:id/signed-url': 'operator',
  'GET /api/v1/groups': 'operator',
  'POST /api/v1/groups': 'admin',
  'GET /api/v1/groups/:id': 'operator',
  'PATCH /api/v1/groups/:id': 'admin',
  'DELETE /api/v1/groups/:id': 'admin',
  'PUT /api/v1/groups/:id/members': 'supervisor',
  'GET /api/v1/offers': 'operator',
  'POST /api/v1/offers/:id/accept': 'operator',
  'GET /api/v1/operators': 'operator',
  'POST /api/v1/operators': 'admin',
  'GET /api/v1/operators/:id': 'operator',
  'PATCH /api/v1/operators/:id': 'admin',
  'PUT /api/v1/operators/:id/presence': 'operator',
  'PUT /api/v1/operators/:id/groups': 'admin',
  'PUT /api/v1/operators/:id/password': 'admin',
  'GET /api/v1/routing-rules': 'admin',
  'POST /api/v1/routing-rules': 'admin',
  'PUT /api/v1/routing-rules/order': 'admin',
  'GET /api/v1/routing-rules/:id': 'admin',
  'PATCH /api/v1/routing-rules/:id': 'admin',
  'DELETE /api/v1/routing-rules/:id': 'admin',
  'GET /api/v1/sessions': 'operator',
  'GET /api/v1/sessions/:id': 'operator',
  'GET /api/v1/sessions/:id/messages': 'operator',
  'POST /api/v1/sessions/:id/messages': 'operator',
  'POST /api/v1/sessions/:id/messages/:messageId/retry': 'operator',
  'POST /api/v1/sessions/:id/messages/:messageId/reaction': 'operator',
  'GET /api/v1/sessions/:id/composer': 'operator',
  'POST /api/v1/sessions/:id/conference': 'operator',
  'POST /api/v1/sessions/:id/conference/end': 'operator',
  'POST /api/v1/sessions/:id/conference/exit': 'operator',
  'POST /api/v1/sessions/:id/read': 'operator',
  'POST /api/v1/sessions/:id/resume': 'operator',
  'POST /api/v1/sessions/:id/transfer': 'operator',
  'GET /api/v1/sessions/:id/transfer-targets': 'operator',
  'POST /api/v1/sessions/:id/take-over': 'supervisor',
  'GET /api/v1/sessions/:id/tags': 'operator',
  'PUT /api/v1/sessions/:id/tags': 'operator',
  'POST /api/v1/sessions/:id/end': 'operator',
  'GET /api/v1/sessions/:id/files': 'operator',
  'POST /api/v1/sessions/:id/files': 'operator',
  'POST /api/v1/sessions/:id/whatsapp-template': 'operator',
  'GET /api/v1/tags': 'operator',
  'POST /api/v1/tags': 'admin',
  'PATCH /api/v1/tags/:id': 'admin',
  'DELETE /api/v1/tags/:id': 'admin',
  'GET /api/v1/templates': 'operator',
  'POST /api/v1/templates': 'admin',
  'GET /api/v1/templates/:id': 'operator',
  'PATCH /api/v1/templates/:id': 'admin',
  'DELETE /api/v1/templates/:id': 'admin',
  'POST /api/v1/templates/:id/render': 'operator',
  'GET /api/v1/tenant/settings': 'operator',
  'PATCH /api/v1/tenant/settings': 'admin',
  'POST /api/v1/whatsapp/outbound-sessions': 'operator',
  'GET /api/v1/wrapup-reasons': 'operator',
  'POST /api/v1/wrapup-reasons': 'admin',
  'GET /api/v1/wrapup-reasons/:id': 'operator',
  'PATCH /api/v1/wrapup-reasons/:id': 'admin',
  'DELETE /api/v1/wrapup-reasons/:id': 'admin',
  'GET /api/v1/webhooks': 'admin',
  'POST /api/v1/webhooks': 'admin',
  'GET /api/v1/webhooks/:id': 'admin',
  'PATCH /api/v1/webhooks/:id': 'admin',
  'DELETE /api/v1/webhooks/:id': 'admin',
  'POST /api/v1/webhooks/:id/secret': 'admin',
  'POST /api/v1/webhooks/:id/ping': 'admin',
  'GET /api/v1/webhooks/:id/deliveries': 'admin',
  'GET /api/v1/webhooks/:id/deliveries/:deliveryId': 'admin',
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': 'admin',
  'GET /api/v1/webchat/:key/config': 'public',
  'POST /api/v1/webchat/:key/chat': 'public',
  'GET /api/v1/webchat/:key/chat': 'visitor',
  'POST /api/v1/webchat/:key/files': 'visitor',
  'POST /api/v1/webchat/:key/file-links': 'visitor',
  'POST /api/v1/webchat/:key/messages': 'visitor',
  'POST /api/v1/webchat/:key/receipts': 'visitor',
  'POST /api/v1/webchat/:key/typing': 'visitor',
  'POST /api/v1/webchat/:key/end': 'visitor',
  'POST /api/v1/webchat/:key/rating': 'visitor',
};
/** What the access check answers a caller whose role is too low (`AppError.forbidden()`). */
const ROLE_REFUSAL = 'You may not do this';
const RANK: Record<Access, number> = { public: 0, visitor: 0, operator: 1, supervisor: 2, admin: 3 };

/** Bodies that pass validation, so that a refusal comes from the access check and not from the schema. */
const BODIES: Record<string, unknown> = {
  'PATCH /api/v1/contacts/:id': { name: 'Renamed' },
  'POST /api/v1/contacts/:id/merge': { sourceContactId: randomUUID() },
  'PATCH /api/v1/groups/:id': { name: 'Renamed' },
  'PUT /api/v1/groups/:id/members': { members: [] },
  'POST /api/v1/sessions/:id/conference': { userId: randomUUID() },
  'POST /api/v1/sessions/:id/read': { upToMessageId: randomUUID() },
  'POST /api/v1/sessions/:id/transfer': { groupId: randomUUID() },
  'POST /api/v1/sessions/:id/whatsapp-template': { name: 'hello', language: 'en' },
  'POST /api/v1/templates/:id/render': { sessionId: randomUUID() },
  'PATCH /api/v1/operators/:id': { name: 'Renamed' },
  'PUT /api/v1/operators/:id/presence': { status: 'away' },
  'PUT /api/v1/operators/:id/groups': { groupIds: [] },
  'PUT /api/v1/operators/:id/password': { password: 'long enough password' },
  'POST /api/v1/sessions/:id/messages': { text: 'Not yours' },
  'POST /api/v1/sessions/:id/messages/:messageId/reaction': { emoji: '👍' },
  'POST /api/v1/sessions/:id/end': {},
  'PUT /api/v1/sessions/:id/tags': { tagIds: [] },
  'PATCH /api/v1/tags/:id': { name: 'Renamed' },
  'PATCH /api/v1/templates/:id': { name: 'Renamed' },
  'PATCH /api/v1/wrapup-reasons/:id': { name: 'Renamed' },
  'PATCH /api/v1/blacklist/:id': { reason: 'Renamed' },
  'PATCH /api/v1/routing-rules/:id': { match: {} },
  'POST /api/v1/webhooks': { url: 'https://hooks.example.test/switchboard', events: ['session.created'] },
  'PATCH /api/v1/webhooks/:id': { description: 'Renamed' },
  'PATCH /api/v1/channel-accounts/:id': { name: 'Renamed' },
};

let w: TwoTenants;
const ids: Record<string, string> = {};
let sessionA: string;
let keyA: string;

beforeAll(async () => {
  w = await startTwoTenants();
  const { t, a, s, api } = w;
  keyA = `acl-${randomUUID()}`;
  const widget = await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: a.id,
    channel: 'webchat',
    name: 'Website',
    externalId: keyA,
  });
  const customer = await startWebchat(t.url, keyA, { question: 'Private question' });
  const [session] = await t.database.db
    .select()
    .from(sessions)
    .where(eq(sessions.channelAccountId, widget.id));
  sessionA = session!.id;
  await t.database.db.update(sessions).set({ groupId: a.groupA }).where(eq(sessions.id, sessionA));
  const created = async (path: string, body: unknown) => {
    const r = await api(s.adminA, 'POST', path, body);
    expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(201);
    return r.body.id as string;
  };
  Object.assign(ids, {
    session: sessionA,
    contact: session!.contactId,
    group: a.groupA,
    operator: a.operators[0]!.id,
    'channel-account': widget.id,
    tag: await created('/tags', { name: 'VIP' }),
    template: await created('/templates', { name: 'Hello', body: 'Hello!' }),
    'wrapup-reason': await created('/wrapup-reasons', { name: 'Solved' }),
    blacklist: await created('/blacklist', { identityKind: 'email', identityValue: 'x@example.test' }),
    'routing-rule': await created('/routing-rules', { match: {}, groupId: a.groupA }),
    'api-key': await created('/api-keys', { name: 'CI', role: 'operator' }),
    webhook: await created('/webhooks', { url: 'https://hooks.example.test/a', events: ['session.created'] }),
    message: randomUUID(),
    file: randomUUID(),
    offer: randomUUID(),
  });
  customer.close();
});
afterAll(async () => {
  await w?.t.close();
});

const RESOURCE: Record<string, string> = {
  sessions: 'session',
  contacts: 'contact',
  groups: 'group',
  operators: 'operator',
  'channel-accounts': 'channel-account',
  tags: 'tag',
  templates: 'template',
  'wrapup-reasons': 'wrapup-reason',
  blacklist: 'blacklist',
  'routing-rules': 'routing-rule',
  'api-keys': 'api-key',
  files: 'file',
  offers: 'offer',
  webhooks: 'webhook',
};

/** The route's path with this tenant's ids filled in (or ids that exist nowhere). */
function pathOf(url: string, real: boolean): string {
  const parts = url.split('/');
  return parts
    .map((part, i) => {
      if (part === ':key') return real ? keyA : `nope-${randomUUID()}`;
      if (part === ':messageId' || part === ':deliveryId') return randomUUID();
      if (!part.startsWith(':')) return part;
      return real ? ids[RESOURCE[parts[i - 1]!]!]! : randomUUID();
    })
    .join('/');
}

async function request(session: Session | null, method: string, url: string, real: boolean) {
  const key = `${method} ${url}`;
  const body = ['GET', 'DELETE'].includes(method) ? undefined : (BODIES[key] ?? {});
  return call(w.t.url, method, pathOf(url, real), {
    ...(session ? { headers: session.headers } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}

describe('the access matrix', () => {
  it('knows every route of the running app', async () => {
    const routes = await listApiRoutes(w.t.app);
    expect(routes.length).toBeGreaterThan(80);
    expect(routes.filter((r) => !(r in ACCESS))).toEqual([]);
  });

  it('lets through only the allowed callers, and never across tenants or groups', async () => {
    const { s, a } = w;
    const routes = (await listApiRoutes(w.t.app)).filter((r) => r !== 'POST /api/v1/auth/logout');
    const wrong: string[] = [];
    const check = (ok: boolean, what: string) => ok || wrong.push(what);
    const tenantIds = Object.values(ids).concat(a.id, a.admin.id, a.supervisor.id, a.groupB);
    for (const route of routes) {
      const [method, url] = route.split(' ') as [string, string];
      const access = ACCESS[route]!;
      const hasId = url.includes('/:') && !url.includes(':key');
      const anonymous = await request(null, method, url, true);
      if (access === 'public')
        check(![401, 403].includes(anonymous.status), `${route} anonymous ${anonymous.status}`);
      // A visitor route refuses a caller without the token (400 when the body is refused first).
      else if (access === 'visitor')
        check([400, 401].includes(anonymous.status), `${route} anonymous ${anonymous.status}`);
      else check(anonymous.status === 401, `${route} anonymous ${anonymous.status}`);
      if (access === 'public' || access === 'visitor') continue;
      for (const [name, session, rank] of [
        ['operator', s.olga, 1],
        ['supervisor', s.supervisorA, 2],
        ['admin', s.adminA, 3],
      ] as const) {
        // Mutations by allowed callers go to ids that exist nowhere, so the fixtures stay; reads use the real ones.
        const response = await request(session, method, url, method === 'GET' || rank < RANK[access]);
        if (rank < RANK[access]) check(response.status === 403, `${route} ${name} ${response.status}`);
        else {
          // Past the role check; a use case may still refuse an id that exists nowhere (a group one does not supervise).
          const byRole =
            response.status === 401 ||
            (response.status === 403 && response.body?.error?.message === ROLE_REFUSAL);
          check(!byRole, `${route} ${name} ${response.status} ${JSON.stringify(response.body)}`);
        }
      }
      // Another tenant's admin, with this tenant's ids: not found or forbidden; lists show none of this tenant's ids.
      const other = await request(s.adminB, method, url, true);
      const leaks = (body: unknown) => tenantIds.some((id) => JSON.stringify(body).includes(id));
      if (method === 'GET') {
        const refused = [403, 404].includes(other.status) || (other.status === 200 && !hasId);
        // A list under another tenant's id may answer an empty 200, as long as nothing of tenant A is in it.
        const emptyList =
          other.status === 200 && Array.isArray(other.body?.items) && other.body.items.length === 0;
        check((refused || emptyList) && !leaks(other.body), `${route} other tenant ${other.status}`);
      } else if (hasId) check([403, 404].includes(other.status), `${route} other tenant ${other.status}`);
      // An operator of group B on group A's session.
      if (url.startsWith('/api/v1/sessions/:id')) {
        const petr = await request(s.petr, method, url, true);
        check([403, 404].includes(petr.status), `${route} operator of another group ${petr.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // Nothing of tenant A was changed or removed by the refused calls.
    for (const [path, id] of [
      ['/sessions', ids.session],
      ['/contacts', ids.contact],
      ['/groups', ids.group],
      ['/templates', ids.template],
      ['/wrapup-reasons', ids['wrapup-reason']],
      ['/blacklist', ids.blacklist],
      ['/routing-rules', ids['routing-rule']],
    ] as const) {
      const r = await w.api(s.adminA, 'GET', `${path}/${id}`);
      expect(r.status, path).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain('Renamed');
    }
  }, 120_000);
});
