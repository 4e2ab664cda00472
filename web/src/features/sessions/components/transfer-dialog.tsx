import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { sessionActions, useTransferTargets } from '../api/sessions';

/** Transfer to a group or an operator, or (mode "conference") invite an operator. */
export function TransferDialog({
  sessionId,
  mode,
  meId,
  onClose,
  onDone,
}: {
  sessionId: string;
  mode: 'transfer' | 'conference';
  meId: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const targets = useTransferTargets(sessionId);
  const run = useMutation({
    mutationFn: (action: () => Promise<unknown>) => action(),
    onSuccess: () => onDone(),
  });

  const operators = (targets.data?.operators ?? []).filter((o) => o.id !== meId);
  return (
    <Dialog title={t(mode === 'transfer' ? 'transfer.title' : 'conference.title')} onClose={onClose}>
      <div className="dialog-body">
        <button type="button" onClick={() => void targets.refetch()} disabled={targets.isFetching}>
          ↻ {t('transfer.refresh')}
        </button>
        {mode === 'transfer' && (
          <section aria-labelledby="transfer-groups">
            <h3 id="transfer-groups">{t('transfer.groups')}</h3>
            <table className="targets">
              <thead>
                <tr>
                  <th scope="col">{t('transfer.group')}</th>
                  <th scope="col">{t('transfer.waiting')}</th>
                  <th scope="col">{t('transfer.available')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {targets.data?.groups.map((g) => (
                  <tr key={g.id}>
                    <td>{g.name}</td>
                    <td>{g.waiting}</td>
                    <td>{g.available}</td>
                    <td>
                      <button
                        type="button"
                        disabled={run.isPending}
                        aria-label={t('transfer.toGroup', { name: g.name })}
                        onClick={() =>
                          run.mutate(() => sessionActions.transfer(sessionId, { groupId: g.id }))
                        }
                      >
                        {t('transfer.transfer')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <section aria-labelledby="transfer-operators">
          <h3 id="transfer-operators">{t('transfer.operators')}</h3>
          <table className="targets">
            <thead>
              <tr>
                <th scope="col">{t('transfer.operator')}</th>
                <th scope="col">{t('transfer.presence')}</th>
                <th scope="col">{t('transfer.load')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {operators.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>
                    <span className={`dot ${o.presence}`} aria-hidden="true" /> {t(`presence.${o.presence}`)}
                  </td>
                  <td>
                    {o.load}/{o.capacity}
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={run.isPending || o.presence === 'offline'}
                      aria-label={t(mode === 'transfer' ? 'transfer.toOperator' : 'conference.invite', {
                        name: o.name,
                      })}
                      onClick={() =>
                        run.mutate(() =>
                          mode === 'transfer'
                            ? sessionActions.transfer(sessionId, { userId: o.id })
                            : sessionActions.invite(sessionId, o.id),
                        )
                      }
                    >
                      {t(mode === 'transfer' ? 'transfer.transfer' : 'conference.add')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <ErrorText error={run.error ?? targets.error} />
      </div>
    </Dialog>
  );
}
