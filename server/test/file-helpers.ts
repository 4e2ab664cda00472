import type { FileStore } from '../src/files/file-store.js';
import { startTestApp, type TestApp } from './harness.js';

/** The real app (no job worker unless asked: tests run the preview job themselves), with its file store. */
export async function startFilesTestApp(
  options: { config?: Record<string, string>; worker?: boolean } = {},
): Promise<TestApp & { fileStore: FileStore }> {
  const t = await startTestApp({
    worker: options.worker ?? false,
    ...(options.config ? { config: options.config } : {}),
  });
  const close = t.close;
  return Object.assign(t, {
    fileStore: t.engine.fileStore,
    // Now and then a keep-alive connection that carried a refused upload is not yet idle when the server
    // closes, and would hold the close for the keep-alive timeout; no request is in flight here.
    close: async () => {
      t.app.server.closeAllConnections();
      await close();
    },
  });
}

/** A multipart upload of the given files through the real HTTP API. */
export async function upload(
  url: string,
  sessionId: string,
  headers: Record<string, string>,
  files: Array<{ name: string; data: Buffer | string; type?: string }>,
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const file of files) {
    form.append('file', new Blob([file.data], { type: file.type ?? 'application/octet-stream' }), file.name);
  }
  const response = await fetch(`${url}/api/v1/sessions/${sessionId}/files`, {
    method: 'POST',
    headers,
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
