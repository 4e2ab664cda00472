import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../../components/ui/error-text';
import type { FilePickerProps } from '../../../lib/slots';
import {
  fileKeys,
  formatSize,
  refusalOf,
  uploadFiles,
  useUploadPolicy,
  type RefusalReason,
} from '../api/files';

/**
 * The composer's "Attach files": several at once; each is checked against the blocked types and the size limits
 * before the upload starts (a refused file is named with its reason and not sent), the rest go up together with
 * a progress bar, and wait beside the composer to go with the next message.
 */
export function FilePicker({
  sessionId,
  channel,
  disabled,
  files: staged,
  onChange,
  onBusy,
}: FilePickerProps) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const client = useQueryClient();
  const policy = useUploadPolicy();
  const input = useRef<HTMLInputElement>(null);
  const statusId = useId();
  const [refused, setRefused] = useState<RefusalReason[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploading, setUploading] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);

  async function picked(list: FileList | null) {
    if (!list || list.length === 0 || !policy.data) return;
    const files = [...list];
    if (input.current) input.current.value = '';
    const reasons = files.map((f) => refusalOf(policy.data, f, channel));
    setRefused(reasons.filter((r): r is RefusalReason => r !== null));
    const accepted = files.filter((_, i) => reasons[i] === null);
    setError(null);
    if (accepted.length === 0) return;
    setUploading(accepted.map((f) => f.name));
    setProgress(0);
    onBusy(true);
    try {
      const stored = await uploadFiles(sessionId, accepted, setProgress);
      onChange([...staged, ...stored]);
      void client.invalidateQueries({ queryKey: fileKeys.sessionFiles(sessionId) });
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
      setUploading([]);
      onBusy(false);
    }
  }

  function reasonText(r: RefusalReason): string {
    if (r.code === 'blocked') return t('files.refusedBlocked', { name: r.name, type: r.type });
    if (r.code === 'tooLarge')
      return t('files.refusedTooLarge', { name: r.name, max: formatSize(r.max, i18n.language) });
    return t('files.refusedChannel', {
      name: r.name,
      max: formatSize(r.max, i18n.language),
      channel: t(`channel.${r.channel}`, { defaultValue: r.channel }),
    });
  }

  return (
    <div className="file-picker">
      <input
        ref={input}
        type="file"
        multiple
        hidden
        onChange={(e) => void picked(e.target.files)}
        data-testid="file-input"
      />
      <button
        type="button"
        onClick={() => input.current?.click()}
        disabled={disabled || !policy.data || progress !== null}
        aria-describedby={statusId}
      >
        {t('files.attach')}
      </button>
      <div id={statusId} className="upload-status" aria-live="polite">
        {progress !== null && (
          <label className="upload-progress">
            {t('files.uploading', { names: uploading.join(', ') })}
            <progress value={progress} max={1} aria-valuetext={`${Math.round(progress * 100)} %`} />
          </label>
        )}
      </div>
      {staged.length > 0 && (
        <ul className="staged" aria-label={t('files.toSend')}>
          {staged.map((file) => (
            <li key={file.id}>
              {file.name} <span className="muted">{formatSize(file.size, i18n.language)}</span>
              <button
                type="button"
                className="icon"
                aria-label={t('files.remove', { name: file.name })}
                onClick={() => onChange(staged.filter((f) => f.id !== file.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {(refused.length > 0 || error !== null) && (
        <ul className="refused" role="alert">
          {refused.map((r) => (
            <li key={r.name}>{reasonText(r)}</li>
          ))}
          {error !== null && <li>{errorText(error)}</li>}
        </ul>
      )}
    </div>
  );
}
