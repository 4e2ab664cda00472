import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files, messages } from '../../db/schema.js';
import { engineFixture, type EngineFixture } from '../../../test/engine-setup.js';
import { startTestApp, type TestApp } from '../../../test/harness.js';
import { listTree } from '../../../test/s3-server.js';
import { startWebchat, type WebchatCustomer } from '../../../test/webchat-client.js';

const MAX = 512 * 1024;
const BOUNDARY = 'truncated-upload-boundary';

let t: TestApp;
let f: EngineFixture;
let customer: WebchatCustomer;

beforeAll(async () => {
  t = await startTestApp({ config: { MAX_UPLOAD_BYTES: String(MAX) } });
  f = await engineFixture(t);
  customer = await startWebchat(t.url, f.key, { name: 'Karel', question: 'Can I send you the scans?' });
});
afterAll(async () => {
  f?.close();
  t.app.server.closeAllConnections();
  await t?.close();
});

const storeDir = () => (t.config.fileStore as { dir: string }).dir;
const tenantFiles = () => t.database.db.select().from(files).where(eq(files.tenantId, f.tenant.id));
const customerMessages = async () =>
  (
    await t.database.db.select().from(messages).where(eq(messages.channelAccountId, f.channelAccountId))
  ).filter((m) => m.authorKind === 'customer');

/** A widget upload with fields and files, as multipart bytes. */
function multipart(clientMessageId: string, fileParts: Array<{ name: string; data: Buffer }>): Buffer {
  const chunks: Buffer[] = [
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="clientMessageId"\r\n\r\n${clientMessageId}\r\n`,
    ),
  ];
  for (const part of fileParts)
    chunks.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${part.name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      part.data,
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * Sends the request head with the whole body's Content-Length but only the first `sent` bytes of the body, then
 * either drops the connection (`destroy`) or half-closes it and waits for whatever the server answers (`end`).
 * Resolves with the raw answer, empty when the server only closed the connection.
 */
function sendCutOff(body: Buffer, sent: number, how: 'destroy' | 'end'): Promise<string> {
  const { port } = new URL(t.url);
  const head =
    `POST /api/v1/webchat/${f.key}/files HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `x-visitor-token: ${customer.token}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
    `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return new Promise((resolve) => {
    let answer = '';
    const socket: Socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(head);
      socket.write(body.subarray(0, sent), () => {
        // Let the server start streaming the file to the store before the body stops.
        setTimeout(() => (how === 'destroy' ? socket.destroy() : socket.end()), 300);
      });
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
    // A server that neither answers nor closes would leave the half-closed case hanging: fail it plainly.
    setTimeout(() => {
      socket.destroy();
      resolve('still open after 10 s');
    }, 10_000).unref();
  });
}

/** Nothing of the request left anywhere: no file row, no stored object, no message. */
async function expectNothingKept(before: Awaited<ReturnType<typeof snapshot>>) {
  // Give the server time to notice the end of the body and clean up after it.
  await expect.poll(() => listTree(storeDir()).sort(), { timeout: 5_000 }).toEqual(before.tree);
  expect((await tenantFiles()).map((file) => file.id)).toEqual(before.files);
  expect((await customerMessages()).length).toBe(before.messages);
}

async function snapshot() {
  return {
    tree: listTree(storeDir()).sort(),
    files: (await tenantFiles()).map((file) => file.id),
    messages: (await customerMessages()).length,
  };
}

describe('web chat: an upload cut off midway', () => {
  it('dropped mid-file: nothing is kept, and the next upload of the customer goes through', async () => {
    const before = await snapshot();
    const body = multipart(randomUUID(), [{ name: 'scan.bin', data: randomBytes(300 * 1024) }]);
    await sendCutOff(body, 150 * 1024, 'destroy');
    await expectNothingKept(before);

    // The process is unharmed: the same customer sends a whole file on a new connection.
    const form = new FormData();
    form.append('clientMessageId', randomUUID());
    form.append('file', new Blob([randomBytes(40 * 1024)]), 'scan.bin');
    const whole = await fetch(`${t.url}/api/v1/webchat/${f.key}/files`, {
      method: 'POST',
      headers: { 'x-visitor-token': customer.token },
      body: form,
    });
    expect(whole.status).toBe(200);
    expect((await tenantFiles()).map((file) => [file.name, file.status])).toEqual([['scan.bin', 'stored']]);
  });

  it('ended early after a whole first file: a clear error or a closed connection, and the first file is not kept', async () => {
    const before = await snapshot();
    const first = randomBytes(100 * 1024);
    const body = multipart(randomUUID(), [
      { name: 'page-1.bin', data: first },
      { name: 'page-2.bin', data: randomBytes(300 * 1024) },
    ]);
    // Everything up to the middle of the second file, then the customer's side of the connection closes.
    const answer = await sendCutOff(body, body.indexOf('page-2.bin') + 150 * 1024, 'end');
    // Node's parser sees the body end early and Fastify answers 400 at once; never a success.
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await expectNothingKept(before);
  });

  it('dropped within the fields, before any file: nothing is kept', async () => {
    const before = await snapshot();
    const body = multipart(randomUUID(), [{ name: 'scan.bin', data: randomBytes(10 * 1024) }]);
    await sendCutOff(body, 30, 'destroy');
    await expectNothingKept(before);
  });
});
