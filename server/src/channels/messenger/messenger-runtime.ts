import type { Config } from '../../config.js';
import type { FileStore } from '../../files/file-store.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { SecretBox } from '../../lib/secret-box.js';

/** What the Messenger adapter and jobs need from the process: Graph, credentials, jobs, files and the clock. */
export interface MessengerRuntime {
  graph: Config['graphApi'];
  secretBox: SecretBox;
  jobs: JobQueue;
  fileStore: FileStore;
  /** Largest file kept from a customer. */
  maxUploadBytes: number;
  /** The engine's clock: the 24-hour and 7-day windows are decided on it. */
  now: () => Date;
}

let runtime: MessengerRuntime | undefined;

/**
 * Set once per process by whoever holds the configuration (main.ts for every role, the routes for the API). The
 * engine is assembled without the configuration, so the adapter reads it here when it is called.
 */
export function configureMessenger(value: MessengerRuntime): void {
  runtime = value;
}

export function messengerRuntime(): MessengerRuntime {
  if (!runtime) throw new Error('The Messenger channel is not configured in this process');
  return runtime;
}
