import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

const files: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'phone.js': 'text/javascript; charset=utf-8',
  'phone.css': 'text/css; charset=utf-8',
};

/** The customer phone page: static HTML/JS that plays a customer through the control API. */
export async function registerPhoneRoutes(app: FastifyInstance): Promise<void> {
  const dir = new URL('./public/', import.meta.url);
  const contents = new Map<string, Buffer>();
  for (const name of Object.keys(files)) contents.set(name, await readFile(new URL(name, dir)));
  app.get('/_sandbox/phone', async (_request, reply) => reply.redirect('/_sandbox/phone/'));
  app.get('/_sandbox/phone/', async (_request, reply) =>
    reply.type(files['index.html']!).send(contents.get('index.html')),
  );
  app.get<{ Params: { file?: string } }>('/_sandbox/phone/:file', async (request, reply) => {
    const name = request.params.file || 'index.html';
    const type = files[name];
    if (!type) return reply.status(404).send({ error: 'not found' });
    return reply.type(type).send(contents.get(name));
  });
}
