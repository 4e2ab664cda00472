import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../engine-setup.js';
import { activeChat } from '../engine-steps.js';
import { driver, startTestApp, type TestApp } from '../harness.js';
import type { WebchatCustomer } from '../webchat-client.js';
import { listApiRoutes } from './app-routes.js';
import { mutate, mutations, tenantCounts } from './fuzz-kit.js';
import { scaled, SOAK } from './reliability-kit.js';

/*
 * Every API route of the running app, over real HTTP, with generated params, query strings, bodies, content types
 * and credentials: never a 5xx, and a refused request (4xx) leaves every table of the tenant as it was.
 */

// PGlite runs one transaction at a time, so the races this hunts are PostgreSQL's: fewer cases there in CI.
const RUNS = scaled(driver === 'pglite' ? 400 : 1_500, 20_000);

let t: TestApp;
let f: EngineFixture;
let customer: WebchatCustomer;
let routes: string[];
const real: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  f = await engineFixture(t);
  const chat = await activeChat(t, f, 'Fuzz me');
  customer = chat.customer;
  real.session = chat.sessionId;
  real.group = f.tenant.groupA;
  real.operator = f.tenant.operators[0]!.id;
  real.key = f.key;
  // Logging out would end the run's sign-in; everything else is fair game.
  routes = (await listApiRoutes(t.app)).filter((r) => r !== 'POST /api/v1/auth/logout');
});
afterAll(async () => {
  customer?.close();
  f?.close();
  await t?.close();
});

const oddText = fc.constantFrom(
  '',
  'me',
  '0',
  '-1',
  'null',
  '%00',
  '%E0%A4%A',
  '..%2F..%2Fetc%2Fpasswd',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(300),
  "1' OR '1'='1",
  '%F0%9F%98%80',
);
const param = fc.oneof(
  fc.constantFrom('session', 'group', 'operator', 'key').map((k) => encodeURIComponent(real[k] ?? k)),
  fc.uuid(),
  oddText,
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);
const query = fc.option(
  fc
    .dictionary(
      fc.constantFrom(
        'q',
        'state',
        'limit',
        'cursor',
        'all',
        'before',
        'after',
        'includeInactive',
        'groupId',
      ),
      fc.oneof(oddText, fc.string({ maxLength: 10 }), fc.integer().map(String)),
      { maxKeys: 3 },
    )
    .map((d) => new URLSearchParams(d).toString()),
  { nil: undefined },
);
/** Bodies near the valid ones most routes take, and anything else. */
const SAMPLE = {
  text: 'hello',
  name: 'Name',
  status: 'available',
  emoji: '👍',
  members: [{ userId: '00000000-0000-0000-0000-000000000000' }],
  match: { channels: ['webchat'] },
  groupId: '00000000-0000-0000-0000-000000000000',
  sessionId: '00000000-0000-0000-0000-000000000000',
  body: 'Template {{name}}',
  clientMessageId: 'c1',
  tagIds: [],
  role: 'operator',
  capacity: 2,
};
const body = fc.oneof(
  mutations.map((ops) => JSON.stringify(mutate(SAMPLE, ops))),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.constant(undefined),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
);
const who = fc.oneof(
  { arbitrary: fc.constantFrom('admin', 'olga'), weight: 6 },
  { arbitrary: fc.constantFrom('anonymous', 'forged', 'no-csrf', 'visitor'), weight: 2 },
);

function headersOf(caller: string, type: string | undefined): Record<string, string> {
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  if (caller === 'admin' || caller === 'olga') Object.assign(headers, f.sessions[caller]!.headers);
  if (caller === 'no-csrf') headers.cookie = f.sessions.admin!.cookie;
  if (caller === 'forged') Object.assign(headers, { cookie: 'sb_session=forged', 'x-csrf-token': 'forged' });
  if (caller === 'visitor') headers['x-visitor-token'] = customer.token;
  return headers;
}

describe('API fuzz', () => {
  it(
    `answers ${RUNS} generated requests on every route without a 5xx, and refusals write nothing`,
    async () => {
      const started = Date.now();
      const answers = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.nat(routes.length - 1),
          fc.array(param, { minLength: 3, maxLength: 3 }),
          query,
          body,
          contentType,
          who,
          async (index, params, search, payload, type, caller) => {
            const [method, template] = routes[index]!.split(' ') as [string, string];
            let p = 0;
            const path = template.replace(/:[a-zA-Z]+/g, () => params[p++]!) + (search ? `?${search}` : '');
            const before = await tenantCounts(t.database, f.tenant.id);
            const response = await fetch(`${t.url}${path}`, {
              method,
              headers: headersOf(caller, payload === undefined ? undefined : type),
              ...(payload !== undefined && !['GET', 'DELETE'].includes(method) ? { body: payload } : {}),
            });
            const text = await response.text();
            answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
            expect(response.status, `${method} ${path} as ${caller}: ${text.slice(0, 300)}`).toBeLessThan(
              500,
            );
            if (response.status >= 400)
              expect(await tenantCounts(t.database, f.tenant.id), `${method} ${path} as ${caller}`).toEqual(
                before,
              );
          },
        ),
        { numRuns: RUNS },
      );
      console.info(`${RUNS} API requests in ${Date.now() - started} ms: ${JSON.stringify([...answers])}`);
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    },
    SOAK ? 3_600_000 : 180_000,
  );
});
