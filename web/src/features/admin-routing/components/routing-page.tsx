import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppLink } from '../../../components/ui/app-link';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { useDefaultGroupId, useGroups, useSetDefaultGroup } from '../api/groups';
import {
  useChannelAccounts,
  useDeleteRule,
  useReorderRules,
  useRoutingRules,
  useSaveRule,
  type RoutingRule,
} from '../api/routing-rules';
import { RuleForm } from './rule-form';
import { useRuleConditions } from './rule-text';
import { PageHead } from '../../../components/ui/page-head';

type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; rule: RoutingRule };

/**
 * Routing rules (administrators): the conditions that choose a new session's group, tried from the top; the
 * first that holds wins, and the default group takes the rest.
 */
export function RoutingPage() {
  const { t } = useTranslation();
  const rules = useRoutingRules();
  const groups = useGroups();
  const accounts = useChannelAccounts();
  const save = useSaveRule();
  const remove = useDeleteRule();
  const reorder = useReorderRules();
  const conditions = useRuleConditions(accounts.data);
  const [open, setOpen] = useState<Open | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [moving, setMoving] = useState(false);
  const groupName = (id: string) => groups.data?.find((g) => g.id === id)?.name ?? '?';
  const list = rules.data ?? [];

  async function move(index: number, by: -1 | 1) {
    const ids = list.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    setMoving(true);
    setError(null);
    try {
      await reorder(ids);
    } catch (failure) {
      setError(failure);
    } finally {
      setMoving(false);
    }
  }

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminRouting.rules.title')}
          action={
            <button
              type="button"
              className="primary"
              disabled={!groups.data?.length}
              onClick={() => setOpen({ kind: 'add' })}
            >
              {t('adminRouting.rules.add')}
            </button>
          }
          intro={t('adminRouting.rules.intro')}
        />
        <ErrorText error={rules.error ?? groups.error ?? accounts.error} />
        <ErrorText error={error} />
        {rules.data && list.length === 0 && <p className="muted">{t('adminRouting.rules.none')}</p>}
        <ol className="routing-rules" aria-label={t('adminRouting.rules.list')}>
          {list.map((rule, index) => (
            <li key={rule.id} className="routing-rule" data-testid="routing-rule">
              <span className="routing-position" aria-hidden="true">
                {rule.position}
              </span>
              <span className="routing-summary">
                {`${conditions(rule)} → `}
                <strong>{groupName(rule.groupId)}</strong>
              </span>
              <span className="routing-actions">
                <button type="button" disabled={index === 0 || moving} onClick={() => void move(index, -1)}>
                  {t('adminRouting.rules.moveUp')}
                </button>
                <button
                  type="button"
                  disabled={index === list.length - 1 || moving}
                  onClick={() => void move(index, 1)}
                >
                  {t('adminRouting.rules.moveDown')}
                </button>
                <button type="button" onClick={() => setOpen({ kind: 'edit', rule })}>
                  {t('adminRouting.edit')}
                </button>
                <button type="button" className="danger" onClick={() => setOpen({ kind: 'delete', rule })}>
                  {t('adminRouting.delete')}
                </button>
              </span>
            </li>
          ))}
        </ol>
        <DefaultGroupLine />
      </main>
      {(open?.kind === 'add' || open?.kind === 'edit') && groups.data && (
        <Dialog
          title={open.kind === 'add' ? t('adminRouting.rules.addTitle') : t('adminRouting.rules.editTitle')}
          onClose={() => setOpen(null)}
          className="wide"
        >
          <div className="dialog-body">
            <RuleForm
              {...(open.kind === 'edit' ? { rule: open.rule } : {})}
              groups={groups.data}
              accounts={accounts.data ?? []}
              submitLabel={open.kind === 'add' ? t('adminRouting.rules.addSubmit') : t('common.save')}
              onCancel={() => setOpen(null)}
              onSubmit={async (input) => {
                await save(open.kind === 'edit' ? open.rule.id : null, input);
                setOpen(null);
              }}
            />
          </div>
        </Dialog>
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('adminRouting.rules.deleteTitle')}
          confirmLabel={t('adminRouting.rules.deleteConfirm')}
          danger
          action={async () => {
            await remove(open.rule.id);
            setOpen(null);
          }}
          onClose={() => setOpen(null)}
        >
          <p>
            {t('adminRouting.rules.deleteExplain', {
              rule: `${conditions(open.rule)} → ${groupName(open.rule.groupId)}`,
            })}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Where sessions go when no rule matches: the default group, changed here or on the Groups page. */
function DefaultGroupLine() {
  const { t } = useTranslation();
  const id = useId();
  const groups = useGroups();
  const defaultGroupId = useDefaultGroupId();
  const setDefault = useSetDefaultGroup();
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  if (!groups.data || defaultGroupId.isPending) return null;
  const first = groups.data[0];

  async function change(value: string) {
    setError(null);
    setSaved(false);
    try {
      await setDefault(value || null);
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <section className="routing-default" aria-labelledby={id}>
      <h2 id={id}>{t('adminRouting.rules.noMatchTitle')}</h2>
      <div className="routing-options">
        <label className="routing-inline">
          {t('adminRouting.rules.noMatch')}
          <select value={defaultGroupId.data ?? ''} onChange={(e) => void change(e.target.value)}>
            <option value="">
              {first
                ? t('adminRouting.rules.firstByName', { name: first.name })
                : t('adminRouting.rules.noGroups')}
            </option>
            {groups.data.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </select>
        </label>
        <AppLink to="/admin/groups">{t('adminRouting.rules.manageGroups')}</AppLink>
        <span role="status" className="muted">
          {saved ? t('adminRouting.rules.defaultSaved') : ''}
        </span>
      </div>
      <ErrorText error={error} />
    </section>
  );
}
