import { fileTypeFromBuffer, supportedExtensions, supportedMimeTypes } from 'file-type';
import { baseMimeType, extensionOf } from './check-upload.js';

/** Bytes read from the start of a file to tell its type: enough for file-type to look inside ZIP-based formats. */
export const SNIFF_BYTES = 64 * 1024;

export interface SniffedType {
  /** The type the bytes show; `application/octet-stream` when nothing is recognised. */
  contentType: string;
  /** The extension that goes with the recognised format, when there is one. */
  extension: string | undefined;
  text: boolean;
}

const UNKNOWN = 'application/octet-stream';

/**
 * The type of a file from its first bytes: file-type's signatures for binary formats; for the rest, text when it
 * is valid UTF-8 without NUL bytes, with HTML, SVG and XML told apart because browsers would run them.
 * `complete` says the sample is the whole file (a cut multi-byte character at its end is then not text).
 */
export async function sniffType(sample: Buffer, complete: boolean): Promise<SniffedType> {
  const found = sample.length ? await fileTypeFromBuffer(sample) : undefined;
  if (found && found.mime !== 'application/xml') {
    return { contentType: found.mime, extension: found.ext, text: false };
  }
  if (!isUtf8Text(sample, complete)) return { contentType: UNKNOWN, extension: undefined, text: false };
  const markup = markupType(sample);
  return { contentType: markup?.type ?? 'text/plain', extension: markup?.extension, text: true };
}

function isUtf8Text(sample: Buffer, complete: boolean): boolean {
  if (sample.length === 0 || sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

function markupType(sample: Buffer): { type: string; extension: string } | undefined {
  const head = sample
    .subarray(0, 1024)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (/^<(!doctype html|html|head|body|script|iframe|!--)/.test(head))
    return { type: 'text/html', extension: 'html' };
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) {
    return { type: 'image/svg+xml', extension: 'svg' };
  }
  if (head.startsWith('<?xml')) return { type: 'application/xml', extension: 'xml' };
  return undefined;
}

/** Extensions of formats that are text: what the text check recognises. */
const TEXT_EXTENSIONS = new Set([
  'txt',
  'text',
  'csv',
  'tsv',
  'md',
  'log',
  'json',
  'xml',
  'html',
  'htm',
  'svg',
  'js',
  'mjs',
  'css',
  'ics',
  'vcf',
  'yaml',
  'yml',
  'ini',
  'conf',
]);
const SAME_EXTENSION: Record<string, string> = {
  jpeg: 'jpg',
  jpe: 'jpg',
  tiff: 'tif',
  htm: 'html',
  oga: 'ogg',
  m4a: 'mp4',
};
const SAME_TYPE: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'application/x-zip-compressed': 'application/zip',
};
const TEXTUAL_TYPE = /^(text\/|application\/(json|xml|javascript|x-sh|x-yaml|csv)|image\/svg\+xml)/;

/**
 * Whether the declared type or the name's extension claims something other than what the bytes are: a renamed
 * program, a "photo" that is a PDF. Claims that cannot be checked (an unknown extension, a generic type) pass.
 */
export function typeMismatch(
  sniffed: SniffedType,
  claimed: { name: string; declaredType?: string | null },
): boolean {
  const declared = baseMimeType(claimed.declaredType);
  const normalType = (t: string) => SAME_TYPE[t] ?? t;
  if (declared && declared !== UNKNOWN) {
    if (sniffed.text) {
      if (!TEXTUAL_TYPE.test(declared)) return true;
    } else if (sniffed.contentType === UNKNOWN) {
      if (supportedMimeTypes.has(declared as never)) return true;
    } else if (normalType(declared) !== normalType(sniffed.contentType)) return true;
  }
  const extension = extensionOf(claimed.name);
  const normalExtension = (e: string) => SAME_EXTENSION[e] ?? e;
  if (!extension) return false;
  if (sniffed.text) return supportedExtensions.has(extension as never) && !TEXT_EXTENSIONS.has(extension);
  if (sniffed.contentType === UNKNOWN)
    return supportedExtensions.has(extension as never) || TEXT_EXTENSIONS.has(extension);
  if (TEXT_EXTENSIONS.has(extension)) return true;
  return (
    supportedExtensions.has(extension as never) &&
    normalExtension(extension) !== normalExtension(sniffed.extension ?? '')
  );
}
