import { expect, it } from 'vitest';
import { startTestApp } from './harness.js';
import { engineFixture } from './engine-setup.js';
import { startWebchat } from './webchat-client.js';

it('shuts down promptly with operators and customers connected, and disconnects them', async () => {
  const t = await startTestApp();
  const f = await engineFixture(t);
  const customer = await startWebchat(t.url, f.key, { question: 'hi' });
  await customer.connect();
  const disconnected = new Promise<string>((resolve) => customer.socket!.once('disconnect', resolve));
  const operatorGone = new Promise<string>((resolve) => f.sockets.olga!.socket.once('disconnect', resolve));
  const start = Date.now();
  await t.close();
  expect(Date.now() - start).toBeLessThan(3000);
  expect(await disconnected).toBe('io server disconnect');
  expect(await operatorGone).toBe('io server disconnect');
});
