import { useQuery } from '@tanstack/react-query';
import { api, ApiError, csrfHeaders } from '../../../lib/api';
import type { FileInfo } from '../../../lib/types';

export interface UploadPolicy {
  maxUploadBytes: number;
  blockedFileTypes: { mimeTypes: string[]; extensions: string[] };
  channelLimits: Record<
    string,
    { kinds: Array<{ kind: string; types: string[] | '*'; maxBytes: number; animatedMaxBytes?: number }> }
  >;
}

export const fileKeys = {
  policy: ['upload-policy'] as const,
  file: (id: string) => ['file', id] as const,
  sessionFiles: (sessionId: string) => ['session-files', sessionId] as const,
};

export function useUploadPolicy() {
  return useQuery({
    queryKey: fileKeys.policy,
    queryFn: () => api<UploadPolicy>('GET', '/files/upload-policy'),
    staleTime: 5 * 60_000,
  });
}

/** Still on its way: being fetched from the channel, or its thumbnail not made yet (a job does it). */
function unfinished(file: FileInfo): boolean {
  const thumbnailDue =
    file.status === 'stored' &&
    /^image\//.test(file.contentType ?? '') &&
    !file.thumbnailUrl &&
    !file.preview.thumbnailError;
  return file.status === 'pending' || thumbnailDue;
}

/** How often to ask again while something is unfinished; a while, then no more. */
const RECHECK_MS = 1500;
const RECHECKS = 20;

/** One file; asked again while it is still being fetched or its thumbnail is still being made. */
export function useFileInfo(id: string) {
  return useQuery({
    queryKey: fileKeys.file(id),
    queryFn: () => api<FileInfo>('GET', `/files/${id}`),
    refetchInterval: (query) => {
      const file = query.state.data;
      if (!file || query.state.dataUpdateCount > RECHECKS) return false;
      return unfinished(file) ? RECHECK_MS : false;
    },
  });
}

export function useSessionFiles(sessionId: string) {
  return useQuery({
    queryKey: fileKeys.sessionFiles(sessionId),
    queryFn: async () => (await api<{ items: FileInfo[] }>('GET', `/sessions/${sessionId}/files`)).items,
    refetchInterval: (query) => {
      const files = query.state.data;
      if (!files || query.state.dataUpdateCount > RECHECKS) return false;
      return files.some(unfinished) ? RECHECK_MS : false;
    },
  });
}

export type RefusalReason =
  | { code: 'blocked'; name: string; type: string }
  | { code: 'tooLarge'; name: string; max: number }
  | { code: 'tooLargeForChannel'; name: string; max: number; channel: string };

/**
 * Why a file may not be uploaded, checked in the page before any byte is sent (the server checks the bytes
 * again): a blocked type or extension, the size limit, the channel's limit for its kind of file.
 */
export function refusalOf(policy: UploadPolicy, file: File, channel: string): RefusalReason | null {
  const type = (file.type || '').toLowerCase();
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  const blockedType = policy.blockedFileTypes.mimeTypes.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : p === type;
  });
  const blockedExtension = policy.blockedFileTypes.extensions.some(
    (e) => e.replace(/^\./, '').toLowerCase() === extension,
  );
  if (type && blockedType) return { code: 'blocked', name: file.name, type };
  if (extension && blockedExtension)
    return { code: 'blocked', name: file.name, type: type || `.${extension}` };
  if (file.size > policy.maxUploadBytes)
    return { code: 'tooLarge', name: file.name, max: policy.maxUploadBytes };
  const kinds = policy.channelLimits[channel]?.kinds ?? [];
  const kind =
    kinds.find((k) => k.types !== '*' && k.types.includes(type)) ?? kinds.find((k) => k.types === '*');
  if (kind && file.size > kind.maxBytes)
    return { code: 'tooLargeForChannel', name: file.name, max: kind.maxBytes, channel };
  return null;
}

/**
 * Uploads several files in one request, reporting progress (0..1). XMLHttpRequest, because fetch cannot report
 * how much of a request body has been sent.
 */
export function uploadFiles(
  sessionId: string,
  files: File[],
  onProgress: (fraction: number) => void,
): Promise<FileInfo[]> {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1/sessions/${sessionId}/files`);
    for (const [name, value] of Object.entries(csrfHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server'));
    request.onload = () => {
      let body: { items?: FileInfo[]; error?: { code: string; message: string } } | null = null;
      try {
        body = request.responseText ? JSON.parse(request.responseText) : null;
      } catch {
        body = null;
      }
      if (request.status === 201 && body?.items) {
        onProgress(1);
        resolve(body.items);
      } else {
        const error = body?.error ?? { code: 'internal', message: request.statusText };
        reject(new ApiError(request.status, error.code, error.message));
      }
    };
    request.send(form);
  });
}

/** 1536 → "1.5 kB", in the page's language. */
export function formatSize(bytes: number | null | undefined, language: string): string {
  if (bytes === null || bytes === undefined) return '';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
