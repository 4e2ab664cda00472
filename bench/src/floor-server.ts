import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The floor: the least a WhatsApp webhook endpoint can do and still be correct. It checks the signature over the
 * raw bytes, parses the JSON and inserts one row per request into the same PostgreSQL, then answers 200. The
 * app's inbound rate is reported as a share of this one, measured in the same run on the same machine.
 *
 * Run as its own process (like the app): FLOOR_DATABASE_URL, FLOOR_APP_SECRET, PORT, FLOOR_POOL_SIZE.
 */
const databaseUrl = process.env.FLOOR_DATABASE_URL;
const appSecret = process.env.FLOOR_APP_SECRET ?? '';
const port = Number(process.env.PORT ?? 0);
const poolSize = Number(process.env.FLOOR_POOL_SIZE ?? 10);
if (!databaseUrl || !appSecret) {
  console.error('FLOOR_DATABASE_URL and FLOOR_APP_SECRET are required');
  process.exit(1);
}

function validSignature(body: Buffer, header: unknown): boolean {
  const match = typeof header === 'string' ? /^sha256=([0-9a-f]{64})$/i.exec(header) : null;
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_floor_messages (
    id bigserial PRIMARY KEY,
    wamid text NOT NULL,
    wa_id text NOT NULL,
    text text,
    received_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query('TRUNCATE bench_floor_messages');

  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/readyz', async () => ({ ready: true }));
  app.post('/webhooks/whatsapp', async (request, reply) => {
    const body = request.body as Buffer;
    if (!validSignature(body, request.headers['x-hub-signature-256'])) return reply.status(401).send();
    let message: { id?: string; from?: string; text?: { body?: string } } | undefined;
    try {
      message = JSON.parse(body.toString('utf8')).entry?.[0]?.changes?.[0]?.value?.messages?.[0];
    } catch {
      return reply.status(400).send();
    }
    if (!message?.id || !message.from) return reply.status(400).send();
    await pool.query('INSERT INTO bench_floor_messages (wamid, wa_id, text) VALUES ($1, $2, $3)', [
      message.id,
      message.from,
      message.text?.body ?? null,
    ]);
    return { received: true };
  });
  await app.listen({ port, host: '127.0.0.1' });
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
