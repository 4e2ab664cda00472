import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { connectSocket } from '../../test/socket-client.js';
import { rooms } from './event-map.js';
import { recordEvent } from './record-event.js';

let t: TestApp;
let tenant: TestTenant;
let olga: Session;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTestTenant(t.database);
  olga = await logIn(t.url, tenant.operators[0]!);
});
afterAll(() => t.close());

type EngineConnection = { transport: { socket?: { _socket?: Socket } } };

/** The engine.io connection of the next socket to connect. */
function nextConnection(): Promise<EngineConnection> {
  return new Promise((resolve) => t.app.realtime.io.engine.once('connection', resolve));
}

describe('a WebSocket’s packets', () => {
  it('leave in one write when a transaction’s events reach the socket together', async () => {
    const connection = nextConnection();
    const socket = await connectSocket(t.url, { cookie: olga.cookie });
    const tcp = (await connection).transport.socket?._socket;
    // Where engine.io keeps it has changed if this fails: coalesced-writes.ts would quietly write frame by frame.
    expect(tcp).toBeDefined();
    let writes = 0;
    // Counted where Node hands data to the system: one call per write, however many frames it carries.
    for (const method of ['_write', '_writev'] as const) {
      const original = tcp![method] as (...args: unknown[]) => void;
      (tcp! as unknown as Record<string, unknown>)[method] = function (this: Socket, ...args: unknown[]) {
        writes++;
        original.apply(this, args);
      };
    }
    const names = Array.from({ length: 20 }, (_, i) => `burst ${i}`);
    await t.database.db.transaction(async (tx) => {
      for (const name of names)
        await recordEvent(tx, tenant.id, 'group.changed', [rooms.group(tenant.groupA)], {
          groupId: tenant.groupA,
          name,
        });
    });
    await socket.waitFor((e) => (e.payload as { name?: string }).name === names.at(-1));
    const seen = socket.events
      .map((e) => (e.payload as { name?: string }).name)
      .filter((name) => name?.startsWith('burst'));
    expect(seen).toEqual(names);
    // The first event goes out at once; the rest, kept by engine.io meanwhile, together (one write each frame: 20).
    expect(writes).toBeLessThanOrEqual(3);
    socket.close();
  });
});
