import type { Static, TObject, TSchema } from 'typebox';
import type { Executor } from '../db/database.js';
import type { JobDefinition } from './job-definition.js';
import type { JobQueue } from './job-queue.js';

/**
 * Timers are jobs. A timer's payload carries its due time on the application's clock (`dueAt`); the job starts
 * after the same distance in real time, so a controllable clock in tests and the real clock in production take
 * one code path. A handler that finds itself early (clock skew) sets the timer again for the rest.
 */
export async function setTimer<S extends TObject>(
  deps: { jobs: JobQueue; now: () => Date },
  definition: JobDefinition<S, never>,
  payload: Omit<Static<S>, 'dueAt'>,
  dueAt: Date,
  tx?: Executor,
): Promise<void> {
  const delayMs = Math.max(0, dueAt.getTime() - deps.now().getTime());
  await deps.jobs.send(
    definition as unknown as JobDefinition<TSchema, never>,
    { ...payload, dueAt: dueAt.toISOString() } as never,
    {
      startAfter: new Date(Date.now() + delayMs),
      ...(tx ? { tx } : {}),
    },
  );
}

/** True when the timer fired before its time on the application's clock; it has then been set again. */
export async function firedEarly<S extends TObject>(
  deps: { jobs: JobQueue; now: () => Date },
  definition: JobDefinition<S, never>,
  payload: Static<S> & { dueAt: string },
): Promise<boolean> {
  const dueAt = new Date(payload.dueAt);
  if (deps.now().getTime() >= dueAt.getTime() - 50) return false;
  const { dueAt: _ignored, ...rest } = payload;
  await setTimer(deps, definition, rest as never, dueAt);
  return true;
}
