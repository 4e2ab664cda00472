import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useMemberCandidates, useSetMembers, type Group, type GroupMember } from '../api/groups';

/** A row of the editor: in the group or not, and the capacity typed for it ('' = the operator's own). */
type Draft = Record<string, { member: boolean; capacity: string }>;

function draftOf(group: Group): Draft {
  return Object.fromEntries(
    group.members.map((m) => [
      m.userId,
      { member: true, capacity: m.capacity === null ? '' : String(m.capacity) },
    ]),
  );
}

/**
 * Who is in the group: every user of the tenant with a checkbox, and for a member an optional capacity in this
 * group, which overrides the operator's own for sessions of this group.
 */
export function GroupMembers({ group, onClose }: { group: Group; onClose: () => void }) {
  const { t } = useTranslation();
  const candidates = useMemberCandidates();
  const setMembers = useSetMembers();
  const [draft, setDraft] = useState<Draft>(() => draftOf(group));
  const [saved, setSaved] = useState(false);
  const saving = useMutation({
    mutationFn: (members: GroupMember[]) => setMembers(group.id, members),
    onSuccess: (updated) => {
      setDraft(draftOf(updated));
      setSaved(true);
    },
  });
  // Inactive users are listed only while they are members, so they can be taken out.
  const people = (candidates.data ?? []).filter((p) => p.active || draft[p.id]?.member);

  function change(userId: string, patch: Partial<Draft[string]>) {
    setSaved(false);
    setDraft((d) => ({ ...d, [userId]: { member: false, capacity: '', ...d[userId], ...patch } }));
  }

  function save() {
    setSaved(false);
    const members = Object.entries(draft)
      .filter(([, row]) => row.member)
      .map(([userId, row]) => ({
        userId,
        capacity: row.capacity.trim() === '' ? null : Number(row.capacity),
      }));
    saving.mutate(members);
  }

  return (
    <aside
      className="detail-panel routing-members"
      aria-label={t('adminRouting.members.title', { name: group.name })}
    >
      <div className="detail-head">
        <h2>{t('adminRouting.members.title', { name: group.name })}</h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <p className="muted routing-explain">{t('adminRouting.members.help')}</p>
      <ErrorText error={candidates.error} />
      <table className="data-table" aria-label={t('adminRouting.members.list')}>
        <thead>
          <tr>
            <th scope="col">{t('adminRouting.members.operator')}</th>
            <th scope="col">{t('adminRouting.members.capacity')}</th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => {
            const row = draft[person.id] ?? { member: false, capacity: '' };
            return (
              <tr key={person.id}>
                <td>
                  <label className="routing-choice">
                    <input
                      type="checkbox"
                      checked={row.member}
                      onChange={(e) => change(person.id, { member: e.target.checked })}
                    />
                    <span>
                      {person.name}
                      {person.role !== 'operator' && (
                        <span className="muted"> · {t(`adminRouting.members.role.${person.role}`)}</span>
                      )}
                    </span>
                  </label>
                </td>
                <td>
                  <input
                    type="number"
                    inputMode="numeric"
                    className="routing-number"
                    aria-label={t('adminRouting.members.capacityOf', { name: person.name })}
                    placeholder={String(person.capacity)}
                    title={t('adminRouting.members.ownCapacity', { count: person.capacity })}
                    value={row.capacity}
                    disabled={!row.member}
                    onChange={(e) => change(person.id, { capacity: e.target.value })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorText error={saving.error} detail />
      <div className="dialog-actions">
        <span role="status" className="muted">
          {saved ? t('adminRouting.members.saved') : ''}
        </span>
        <button type="button" className="primary" disabled={saving.isPending} onClick={save}>
          {t('adminRouting.members.save')}
        </button>
      </div>
    </aside>
  );
}
