import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import {
  useCreateGroup,
  useDefaultGroupId,
  useGroups,
  useSetDefaultGroup,
  useUpdateGroup,
  type Group,
} from '../api/groups';
import { DeleteGroupDialog } from './delete-group-dialog';
import { GroupForm } from './group-form';
import { GroupMembers } from './group-members';
import { PageHead } from '../../../components/ui/page-head';

type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; group: Group };

/**
 * Groups (administrators): the queues sessions are routed to, with their routing mode, offer timeout and sticky
 * routing; who is in each and with what capacity; and which one takes sessions no routing rule matches.
 */
export function GroupsPage() {
  const { t } = useTranslation();
  const groups = useGroups();
  const defaultGroupId = useDefaultGroupId();
  const create = useCreateGroup();
  const update = useUpdateGroup();
  const setDefault = useSetDefaultGroup();
  const [open, setOpen] = useState<Open | null>(null);
  const [membersOf, setMembersOf] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const selected = groups.data?.find((g) => g.id === membersOf);
  // Without a default, sessions no rule matches go to the first group by name (the list's order).
  const fallbackId = defaultGroupId.data ?? groups.data?.[0]?.id;

  async function makeDefault(group: Group) {
    setError(null);
    try {
      await setDefault(group.id);
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminRouting.groups.title')}
          action={
            <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>
              {t('adminRouting.groups.add')}
            </button>
          }
          intro={t('adminRouting.groups.intro')}
        />
        <ErrorText error={groups.error ?? defaultGroupId.error} />
        <ErrorText error={error} />
        {groups.data && groups.data.length === 0 && <p className="muted">{t('adminRouting.groups.none')}</p>}
        {groups.data && groups.data.length > 0 && (
          <table className="data-table routing-table" aria-label={t('adminRouting.groups.list')}>
            <thead>
              <tr>
                <th scope="col">{t('adminRouting.groups.name')}</th>
                <th scope="col">{t('adminRouting.groups.routingMode')}</th>
                <th scope="col">{t('adminRouting.groups.timeoutColumn')}</th>
                <th scope="col">{t('adminRouting.groups.membersColumn')}</th>
                <th scope="col">{t('adminRouting.groups.defaultColumn')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminRouting.groups.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((group) => {
                const isDefault = group.id === defaultGroupId.data;
                return (
                  <tr key={group.id} aria-selected={group.id === membersOf ? true : undefined}>
                    <th scope="row" className="routing-name">
                      {group.name}
                    </th>
                    <td>
                      {t(`adminRouting.groups.mode.${group.routingMode}`)}
                      {group.sticky && (
                        <span className="muted routing-note">{t('adminRouting.groups.stickyOn')}</span>
                      )}
                    </td>
                    <td>{t('adminRouting.groups.seconds', { count: group.offerTimeoutSeconds })}</td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        aria-expanded={group.id === membersOf}
                        onClick={() => setMembersOf(group.id)}
                      >
                        {t('adminRouting.groups.memberCount', { count: group.memberIds.length })}
                      </button>
                    </td>
                    <td>
                      {isDefault ? (
                        <span className="chip">{t('adminRouting.groups.isDefault')}</span>
                      ) : (
                        <span className="routing-default-cell">
                          {group.id === fallbackId && (
                            <span className="muted routing-note">{t('adminRouting.groups.isFallback')}</span>
                          )}
                          <button type="button" onClick={() => void makeDefault(group)}>
                            {t('adminRouting.groups.makeDefault')}
                          </button>
                        </span>
                      )}
                    </td>
                    <td>
                      <div className="routing-actions">
                        <button type="button" onClick={() => setOpen({ kind: 'edit', group })}>
                          {t('adminRouting.edit')}
                        </button>
                        <button
                          type="button"
                          className="danger"
                          onClick={() => setOpen({ kind: 'delete', group })}
                        >
                          {t('adminRouting.delete')}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </main>
      {selected && <GroupMembers key={selected.id} group={selected} onClose={() => setMembersOf(null)} />}
      {open?.kind === 'add' && (
        <Dialog title={t('adminRouting.groups.addTitle')} onClose={() => setOpen(null)} className="wide">
          <div className="dialog-body">
            <GroupForm
              submitLabel={t('adminRouting.groups.addSubmit')}
              onCancel={() => setOpen(null)}
              onSubmit={async (input) => {
                await create(input);
                setOpen(null);
              }}
            />
          </div>
        </Dialog>
      )}
      {open?.kind === 'edit' && (
        <Dialog
          title={t('adminRouting.groups.editTitle', { name: open.group.name })}
          onClose={() => setOpen(null)}
          className="wide"
        >
          <div className="dialog-body">
            <GroupForm
              group={open.group}
              submitLabel={t('common.save')}
              onCancel={() => setOpen(null)}
              onSubmit={async (input) => {
                await update(open.group.id, input);
                setOpen(null);
              }}
            />
          </div>
        </Dialog>
      )}
      {open?.kind === 'delete' && (
        <DeleteGroupDialog
          group={open.group}
          onClose={() => setOpen(null)}
          onDeleted={() => {
            if (membersOf === open.group.id) setMembersOf(null);
            setOpen(null);
          }}
        />
      )}
    </div>
  );
}
