import type { FastifyInstance } from 'fastify';

/**
 * Every `METHOD /api/v1/…` route the running app serves (HEAD and OPTIONS left out), read from Fastify's own
 * route tree, so a route added anywhere shows up here without a list to maintain.
 */
export async function listApiRoutes(app: FastifyInstance): Promise<string[]> {
  const tree = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes = new Set<string>();
  for (const line of tree.split('\n')) {
    const match = line.match(/^(.*?)(?:└── |├── )(.+?) \(([A-Z, ]+)\)$/);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const segment = match[2]!;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + segment;
    stack[depth] = path;
    const full = path.startsWith('/') ? path : `/${path}`;
    if (!full.startsWith('/api/v1/')) continue;
    for (const method of match[3]!.split(', '))
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.add(`${method} ${full.replace(/^\/\//, '/')}`);
  }
  return [...routes].sort();
}
