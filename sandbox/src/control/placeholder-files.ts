/** Small stand-in files for injected media when the test gives no bytes. */
const png1x1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const gif1x1 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

export interface PlaceholderFile {
  mimeType: string;
  filename: string;
  data: Buffer;
}

/** A placeholder file for a WhatsApp or Messenger media type. */
export function placeholderFile(kind: string, voice = false): PlaceholderFile {
  switch (kind) {
    case 'image':
      return { mimeType: 'image/jpeg', filename: 'photo.jpg', data: Buffer.from(png1x1, 'base64') };
    case 'gif':
      return { mimeType: 'image/gif', filename: 'animation.gif', data: Buffer.from(gif1x1, 'base64') };
    case 'sticker':
      return {
        mimeType: 'image/webp',
        filename: 'sticker.webp',
        data: Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'binary'),
      };
    case 'video':
      return { mimeType: 'video/mp4', filename: 'video.mp4', data: Buffer.from('\0\0\0 ftypisom', 'binary') };
    case 'audio':
      return voice
        ? {
            mimeType: 'audio/ogg; codecs=opus',
            filename: 'voice.ogg',
            data: Buffer.from('OggS\0voice', 'binary'),
          }
        : { mimeType: 'audio/mpeg', filename: 'audio.mp3', data: Buffer.from('ID3\x03audio', 'binary') };
    default:
      return {
        mimeType: 'application/pdf',
        filename: 'document.pdf',
        data: Buffer.from('%PDF-1.4\n%sandbox\n'),
      };
  }
}
