import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import type { FileInfo } from '../../../lib/types';
import { formatSize, useFileInfo } from '../api/files';

/** The file's kind as a short label ("PDF", "ZIP"): letters render without an emoji font. */
function markOf(file: FileInfo): string {
  const extension = file.name.includes('.') ? file.name.split('.').pop()! : '';
  return (extension || (file.contentType ?? '').split('/')[1] || 'file').slice(0, 4).toUpperCase();
}

/** What a file is, for people: its sniffed or declared type, else its extension. */
function typeOf(file: FileInfo): string {
  const extension = file.name.includes('.') ? `.${file.name.split('.').pop()}` : '?';
  return file.contentType ?? file.declaredType ?? extension;
}

/** A stored file by id, shown by its kind: image, sticker or GIF, text, audio, video, or a download. */
export function FileById({ id, sticker }: { id: string; sticker?: boolean }) {
  const { t } = useTranslation();
  const file = useFileInfo(id);
  if (!file.data)
    return (
      <div className="file pending" role="status">
        {file.error ? t('files.unavailable') : t('files.loading')}
      </div>
    );
  return <FileCard file={file.data} sticker={sticker ?? false} />;
}

export function FileCard({ file, sticker = false }: { file: FileInfo; sticker?: boolean }) {
  const { t } = useTranslation();
  const type = file.contentType ?? '';
  if (file.status === 'blocked')
    return (
      <div className="file blocked" data-testid="file-blocked">
        {t('files.blocked', { name: file.name, type: typeOf(file) })}
      </div>
    );
  if (file.status === 'pending')
    return (
      <div className="file pending" role="status" data-testid="file-pending">
        {t('files.fetching', { name: file.name })}
      </div>
    );
  if (file.status === 'error' || !file.contentUrl)
    return (
      <div className="file failed">{t('files.failed', { name: file.name, reason: file.error ?? '' })}</div>
    );
  // Stickers and GIFs are the picture itself (animated), not a thumbnail to open.
  if (sticker || type === 'image/gif')
    return <img className={sticker ? 'sticker' : 'gif'} src={file.contentUrl} alt={file.name} />;
  if (type.startsWith('image/')) return <ImageFile file={file} />;
  if (type.startsWith('audio/'))
    return (
      <figure className="file media">
        <audio controls preload="metadata" src={file.contentUrl} aria-label={file.name} />
        <figcaption>
          <DownloadLink file={file} />
        </figcaption>
      </figure>
    );
  if (type.startsWith('video/'))
    return (
      <figure className="file media">
        <video controls preload="metadata" src={file.contentUrl} aria-label={file.name} />
        <figcaption>
          <DownloadLink file={file} />
        </figcaption>
      </figure>
    );
  if (file.preview.text !== null) return <TextFile file={file} />;
  return (
    <div className="file other">
      <span className="file-icon" aria-hidden="true">
        {markOf(file)}
      </span>
      <DownloadLink file={file} />
    </div>
  );
}

function DownloadLink({ file }: { file: FileInfo }) {
  const { t, i18n } = useTranslation();
  return (
    <a href={`${file.contentUrl}?download=true`} download={file.name} className="file-name">
      {file.name}
      <span className="muted"> · {formatSize(file.size, i18n.language)}</span>
      <span className="sr-only"> ({t('files.download')})</span>
    </a>
  );
}

/** A thumbnail that opens the full image in the page. */
function ImageFile({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const thumb = file.thumbnailUrl;
  const size = file.preview.thumbnail;
  return (
    <>
      <button
        type="button"
        className="file thumb"
        onClick={() => setOpen(true)}
        aria-label={t('files.openImage', { name: file.name })}
      >
        {thumb ? (
          <img src={thumb} alt="" width={size?.width} height={size?.height} />
        ) : (
          <span className="file-icon" aria-hidden="true">
            {markOf(file)}
          </span>
        )}
        <span className="file-name">{file.name}</span>
      </button>
      {open && (
        <Dialog title={file.name} onClose={() => setOpen(false)} className="viewer">
          <div className="dialog-body">
            <img className="full" src={file.contentUrl!} alt={file.name} />
            <DownloadLink file={file} />
          </div>
        </Dialog>
      )}
    </>
  );
}

/** A text file readable in the page: the excerpt at once, the whole file on request. */
function TextFile({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const [whole, setWhole] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  async function readAll() {
    try {
      const response = await fetch(file.contentUrl!, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      setWhole(await response.text());
    } catch {
      setFailed(true);
    }
  }
  return (
    <details className="file text">
      <summary>
        <span className="file-icon" aria-hidden="true">
          {markOf(file)}
        </span>{' '}
        {file.name}
      </summary>
      <pre tabIndex={0}>{whole ?? file.preview.text}</pre>
      {whole === null && file.preview.textTruncated && (
        <button type="button" className="link" onClick={() => void readAll()}>
          {t('files.readAll')}
        </button>
      )}
      {failed && <p className="error">{t('files.unavailable')}</p>}
      <DownloadLink file={file} />
    </details>
  );
}
