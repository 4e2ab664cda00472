import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { timeZoneNames } from '../api/settings';
import { SettingsSection } from './settings-section';
import { useGroups, useUpdateTenantSettings, type TenantSettings } from '../../../lib/tenant-queries';

/** Wrap-up, the end-of-session message, the default group and the time zone. */
export function SessionsSettings({ settings }: { settings: TenantSettings }) {
  const { t } = useTranslation();
  const update = useUpdateTenantSettings();
  const groups = useGroups();
  const zonesId = useId();
  const endHintId = useId();
  const groupHintId = useId();
  const zoneHintId = useId();
  const zones = useMemo(timeZoneNames, []);
  const [wrapupRequired, setWrapupRequired] = useState(settings.wrapupRequired);
  const [endMessage, setEndMessage] = useState(settings.endMessage ?? '');
  const [defaultGroupId, setDefaultGroupId] = useState(settings.defaultGroupId ?? '');
  const [timezone, setTimezone] = useState(settings.timezone);

  async function save() {
    const saved = await update({
      wrapupRequired,
      // Empty: nothing is sent when a session ends.
      endMessage: endMessage.trim() ? endMessage : null,
      defaultGroupId: defaultGroupId || null,
      timezone: timezone.trim(),
    });
    setEndMessage(saved.endMessage ?? '');
    setTimezone(saved.timezone);
  }

  // A default group deleted meanwhile is still shown, so that saving does not fail on a choice nobody made.
  const known = groups.data?.some((g) => g.id === defaultGroupId) ?? true;

  return (
    <SettingsSection
      area="sessions"
      title={t('adminSettings.sessions.title')}
      saveLabel={t('adminSettings.sessions.save')}
      onSave={save}
    >
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={wrapupRequired}
          onChange={(e) => setWrapupRequired(e.target.checked)}
        />
        {t('adminSettings.sessions.wrapupRequired')}
      </label>
      <label>
        {t('adminSettings.sessions.endMessage')}
        <textarea
          rows={3}
          maxLength={1000}
          value={endMessage}
          onChange={(e) => setEndMessage(e.target.value)}
          aria-describedby={endHintId}
        />
      </label>
      <p id={endHintId} className="muted settings-hint">
        {t('adminSettings.sessions.endMessageHint')}
      </p>
      <label>
        {t('adminSettings.sessions.defaultGroup')}
        <select
          value={defaultGroupId}
          onChange={(e) => setDefaultGroupId(e.target.value)}
          aria-describedby={groupHintId}
        >
          <option value="">{t('adminSettings.sessions.noDefaultGroup')}</option>
          {groups.data?.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
          {!known && <option value={defaultGroupId}>{t('adminSettings.sessions.unknownGroup')}</option>}
        </select>
      </label>
      <p id={groupHintId} className="muted settings-hint">
        {t('adminSettings.sessions.defaultGroupHint')}
      </p>
      <label>
        {t('adminSettings.sessions.timezone')}
        <input
          list={zonesId}
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          required
          maxLength={64}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={zoneHintId}
        />
        <datalist id={zonesId}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </label>
      <p id={zoneHintId} className="muted settings-hint">
        {t('adminSettings.sessions.timezoneHint')}
      </p>
    </SettingsSection>
  );
}
