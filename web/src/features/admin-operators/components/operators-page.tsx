import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useMyId, useOperatorList, type Operator } from '../api/operators';
import { InviteForm } from './invite-form';
import { ActiveDialog, EditOperatorDialog, PasswordDialog } from './operator-dialogs';
import { useGroups } from '../../../lib/tenant-queries';
import { PageHead } from '../../../components/ui/page-head';

type Open = { kind: 'edit' | 'password' | 'active'; operator: Operator };

/**
 * Operators (administrators): everyone who signs in to the tenant, with their role, groups, capacity and
 * presence; invite, edit, set a new password, deactivate and reactivate.
 */
export function OperatorsPage() {
  const { t } = useTranslation();
  const operators = useOperatorList();
  const groups = useGroups();
  const myId = useMyId();
  const [inviting, setInviting] = useState(false);
  const [open, setOpen] = useState<Open | null>(null);
  const [query, setQuery] = useState('');
  const [showDeactivated, setShowDeactivated] = useState(false);
  const [notice, setNotice] = useState('');
  const close = () => setOpen(null);

  const groupName = new Map(groups.data?.map((g) => [g.id, g.name]));
  const needle = query.trim().toLowerCase();
  const all = operators.data ?? [];
  const deactivated = all.filter((o) => !o.active).length;
  const shown = all.filter(
    (o) =>
      (showDeactivated || o.active) &&
      (!needle || o.name.toLowerCase().includes(needle) || o.email.toLowerCase().includes(needle)),
  );

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminOperators.title')}
          action={
            !inviting && (
              <button type="button" className="primary" onClick={() => setInviting(true)}>
                {t('adminOperators.invite')}
              </button>
            )
          }
          intro={t('adminOperators.intro')}
        />
        {inviting && (
          <section className="operators-invite" aria-label={t('adminOperators.inviteTitle')}>
            <h2>{t('adminOperators.inviteTitle')}</h2>
            <InviteForm
              onCancel={() => setInviting(false)}
              onDone={(created) => {
                setInviting(false);
                setNotice(t('adminOperators.invited', { name: created.name }));
              }}
            />
          </section>
        )}
        <div className="filters operators-filters">
          <label>
            {t('adminOperators.search')}
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <label className="switch">
            <input
              type="checkbox"
              checked={showDeactivated}
              onChange={(e) => setShowDeactivated(e.target.checked)}
            />
            {t('adminOperators.showDeactivated', { count: deactivated })}
          </label>
        </div>
        <p role="status" className="operators-notice">
          {notice}
        </p>
        <ErrorText error={operators.error} />
        {operators.data && shown.length === 0 && <p className="muted">{t('adminOperators.none')}</p>}
        {shown.length > 0 && (
          <table className="data-table operators-table" aria-label={t('adminOperators.list')}>
            <thead>
              <tr>
                <th scope="col">{t('adminOperators.name')}</th>
                <th scope="col">{t('adminOperators.email')}</th>
                <th scope="col">{t('adminOperators.role')}</th>
                <th scope="col">{t('adminOperators.groups')}</th>
                <th scope="col" title={t('adminOperators.capacity')}>
                  {t('adminOperators.capacityShort')}
                </th>
                <th scope="col">{t('adminOperators.presence')}</th>
                <th scope="col">{t('adminOperators.status')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminOperators.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((operator) => {
                const self = operator.id === myId;
                return (
                  <tr key={operator.id} className={operator.active ? undefined : 'operators-inactive'}>
                    <th scope="row" className="operators-name">
                      {operator.name}
                      {self && <span className="muted"> {t('adminOperators.you')}</span>}
                    </th>
                    <td className="operators-email">{operator.email}</td>
                    <td>{t(`adminOperators.roles.${operator.role}`)}</td>
                    <td>
                      {operator.groupIds.length === 0 ? (
                        <span className="muted">{t('adminOperators.inNoGroup')}</span>
                      ) : (
                        <ul
                          className="chips"
                          aria-label={t('adminOperators.groupsOf', { name: operator.name })}
                        >
                          {operator.groupIds.map((id) => (
                            <li key={id} className="chip">
                              {groupName.get(id) ?? '…'}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="number">{operator.capacity}</td>
                    <td>
                      <span className={`operators-presence ${operator.presence}`}>
                        {t(`presence.${operator.presence}`)}
                      </span>
                      {operator.presence === 'away' && operator.awayReason && (
                        <span className="muted"> ({operator.awayReason})</span>
                      )}
                    </td>
                    <td>
                      <span className={`operators-status ${operator.active ? 'active' : 'inactive'}`}>
                        {t(operator.active ? 'adminOperators.active' : 'adminOperators.deactivated')}
                      </span>
                    </td>
                    <td className="operators-actions">
                      <button type="button" onClick={() => setOpen({ kind: 'edit', operator })}>
                        {t('adminOperators.edit')}
                      </button>
                      <button type="button" onClick={() => setOpen({ kind: 'password', operator })}>
                        {t('adminOperators.setPassword')}
                      </button>
                      {!self && (
                        <button
                          type="button"
                          className={operator.active ? 'danger' : undefined}
                          onClick={() => setOpen({ kind: 'active', operator })}
                        >
                          {t(operator.active ? 'adminOperators.deactivate' : 'adminOperators.reactivate')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </main>
      {open?.kind === 'edit' && (
        <EditOperatorDialog operator={open.operator} self={open.operator.id === myId} onClose={close} />
      )}
      {open?.kind === 'password' && (
        <PasswordDialog
          operator={open.operator}
          onClose={close}
          onDone={() => {
            close();
            setNotice(t('adminOperators.passwordSet', { name: open.operator.name }));
          }}
        />
      )}
      {open?.kind === 'active' && (
        <ActiveDialog
          operator={open.operator}
          onClose={close}
          onDone={(active) => {
            close();
            const name = open.operator.name;
            setNotice(t(active ? 'adminOperators.reactivated' : 'adminOperators.wasDeactivated', { name }));
          }}
        />
      )}
    </div>
  );
}
