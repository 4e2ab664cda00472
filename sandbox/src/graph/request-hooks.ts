import type { FastifyRequest } from 'fastify';

const afterResponseTasks = new WeakMap<FastifyRequest, (() => void)[]>();
const loggedBodies = new WeakMap<FastifyRequest, unknown>();

/** Runs `task` once the response to `request` has been sent (Meta's webhooks usually follow the reply). */
export function afterResponse(request: FastifyRequest, task: () => void): void {
  const tasks = afterResponseTasks.get(request) ?? [];
  tasks.push(task);
  afterResponseTasks.set(request, tasks);
}

/** Called by the onResponse hook. */
export function runAfterResponse(request: FastifyRequest): void {
  for (const task of afterResponseTasks.get(request) ?? []) task();
  afterResponseTasks.delete(request);
}

/** Records what a multipart request carried, for the call log (its body is not parsed up front). */
export function setLoggedBody(request: FastifyRequest, body: unknown): void {
  loggedBodies.set(request, body);
}

export function loggedBody(request: FastifyRequest): unknown {
  return loggedBodies.has(request) ? loggedBodies.get(request) : request.body;
}
