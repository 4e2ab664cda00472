import { describe, expect, it } from 'vitest';
import { CHANNEL_FILE_LIMITS, checkChannelLimits } from './channel-limits.js';
import { checkUpload, DEFAULT_BLOCKED_FILE_TYPES, isBlocked } from './check-upload.js';
import { contentDisposition, parseRange } from './send-file-content.js';
import { cleanFileName } from './store-file.js';

const MB = 1024 * 1024;
const rules = {
  blocked: { mimeTypes: ['video/*', 'application/pdf'], extensions: ['exe'] },
  maxBytes: 10 * MB,
};

describe('checkUpload, before a byte is sent', () => {
  it('gives a stable reason and a sentence', () => {
    expect(checkUpload({ name: 'a.txt', size: 10, declaredType: 'text/plain' }, rules)).toEqual({ ok: true });
    expect(checkUpload({ name: 'SETUP.EXE', size: 10 }, rules)).toMatchObject({
      ok: false,
      reason: 'file_type_blocked',
      message: 'Files of this type are blocked: SETUP.EXE',
    });
    expect(
      checkUpload({ name: 'clip', size: 10, declaredType: 'video/mp4; codecs=avc1' }, rules),
    ).toMatchObject({
      reason: 'file_type_blocked',
    });
    expect(checkUpload({ name: 'a.txt', size: 0 }, rules)).toMatchObject({ reason: 'file_empty' });
    expect(checkUpload({ name: 'a.zip', size: 11 * MB }, rules)).toMatchObject({
      reason: 'file_too_large',
      limitBytes: 10 * MB,
      message: 'The file a.zip is larger than 10 MB',
    });
  });

  it('with a channel’s limits, refuses what the channel would refuse', () => {
    const whatsapp = { ...rules, channelLimits: CHANNEL_FILE_LIMITS.whatsapp };
    expect(checkUpload({ name: 'p.png', size: 6 * MB, declaredType: 'image/png' }, whatsapp)).toMatchObject({
      reason: 'channel_file_too_large',
      limitBytes: 5 * MB,
    });
    expect(
      checkUpload({ name: 'a.zip', size: 100, declaredType: 'application/zip' }, whatsapp),
    ).toMatchObject({
      reason: 'channel_type_unsupported',
    });
  });

  it('the defaults block Windows programs by type and by extension', () => {
    expect(
      isBlocked(DEFAULT_BLOCKED_FILE_TYPES, { mimeTypes: ['application/x-msdownload'], extensions: [] }),
    ).toBe(true);
    expect(isBlocked(DEFAULT_BLOCKED_FILE_TYPES, { mimeTypes: [], extensions: ['SCR'] })).toBe(true);
    expect(isBlocked(DEFAULT_BLOCKED_FILE_TYPES, { mimeTypes: ['image/png'], extensions: ['png'] })).toBe(
      false,
    );
  });
});

describe('checkChannelLimits, before sending', () => {
  it('WhatsApp: per kind, from Meta’s media table', () => {
    expect(checkChannelLimits('whatsapp', { contentType: 'image/jpeg', size: 5 * MB })).toEqual({
      ok: true,
      kind: 'image',
    });
    expect(checkChannelLimits('whatsapp', { contentType: 'image/jpeg', size: 5 * MB + 1 })).toMatchObject({
      ok: false,
      reason: 'channel_file_too_large',
      message: 'WhatsApp accepts image files up to 5 MB',
    });
    expect(checkChannelLimits('whatsapp', { contentType: 'video/mp4', size: 16 * MB })).toMatchObject({
      kind: 'video',
    });
    expect(checkChannelLimits('whatsapp', { contentType: 'audio/ogg', size: 17 * MB })).toMatchObject({
      reason: 'channel_file_too_large',
    });
    expect(checkChannelLimits('whatsapp', { contentType: 'application/pdf', size: 100 * MB })).toMatchObject({
      kind: 'document',
    });
    expect(checkChannelLimits('whatsapp', { contentType: 'image/webp', size: 200 * 1024 })).toMatchObject({
      reason: 'channel_file_too_large',
      limitBytes: 100 * 1024,
    });
    expect(
      checkChannelLimits('whatsapp', { contentType: 'image/webp', size: 200 * 1024, animated: true }),
    ).toEqual({
      ok: true,
      kind: 'sticker',
    });
    expect(checkChannelLimits('whatsapp', { contentType: 'image/gif', size: 10 })).toMatchObject({
      reason: 'channel_type_unsupported',
      message: 'WhatsApp does not accept files of type image/gif',
    });
  });

  it('Messenger: 25 MB of any type; web chat: no channel limit', () => {
    expect(checkChannelLimits('messenger', { contentType: 'application/zip', size: 25 * MB })).toEqual({
      ok: true,
      kind: 'file',
    });
    expect(checkChannelLimits('messenger', { contentType: 'image/gif', size: 25 * MB + 1 })).toMatchObject({
      reason: 'channel_file_too_large',
      message: 'Messenger accepts image files up to 25 MB',
    });
    expect(checkChannelLimits('webchat', { contentType: null, size: 1e9 })).toEqual({
      ok: true,
      kind: 'file',
    });
  });
});

describe('serving helpers', () => {
  it('parses one byte range', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
    expect(parseRange('bytes=9-1', 100)).toBeUndefined();
  });

  it('writes an RFC 6266 Content-Disposition for any name', () => {
    expect(contentDisposition('attachment', 'čau "x";.txt')).toBe(
      `attachment; filename="_au _x__.txt"; filename*=UTF-8''%C4%8Dau%20%22x%22%3B.txt`,
    );
    expect(contentDisposition('inline', "it's (1).png")).toBe(
      `inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`,
    );
  });

  it('cleans names: last path segment, no control or direction characters', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(cleanFileName('a\u0000b\u202ec.txt')).toBe('abc.txt');
    expect(cleanFileName('..')).toBe('file');
    expect(cleanFileName('')).toBe('file');
    expect([...cleanFileName('x'.repeat(400))]).toHaveLength(255);
  });
});
