import type { Config } from '../../config.js';
import type { FileStore } from '../../files/file-store.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { SecretBox } from '../../lib/secret-box.js';

/** What the WhatsApp adapter and jobs need from the process: where Graph is, how to open credentials, the jobs. */
export interface WhatsAppRuntime {
  graph: Config['graphApi'];
  secretBox: SecretBox;
  jobs: JobQueue;
  /** Largest media file kept from a customer. */
  maxUploadBytes: number;
  /** Where operators' files are read from to upload them to Meta. */
  fileStore?: FileStore;
}

let runtime: WhatsAppRuntime | undefined;

/**
 * Set once per process by whoever holds the configuration (main.ts for every role, buildApp for the API). The
 * engine is assembled without the configuration, so the adapter reads it here when it is called.
 */
export function configureWhatsApp(value: WhatsAppRuntime): void {
  runtime = value;
}

export function whatsappRuntime(): WhatsAppRuntime {
  if (!runtime) throw new Error('The WhatsApp channel is not configured in this process');
  return runtime;
}
