/** What the files module's jobs need from the configuration, set once per process (like the WhatsApp runtime). */
export interface FilesRuntime {
  /** An upload that no message took up is removed after this long. */
  orphanFileMaxAgeMs: number;
}

let runtime: FilesRuntime | undefined;

/** Called by whoever holds the configuration: main.ts for every role, the files routes for the API. */
export function configureFiles(value: FilesRuntime): void {
  runtime = value;
}

export function filesRuntime(): FilesRuntime {
  if (!runtime) throw new Error('The files module is not configured in this process');
  return runtime;
}
