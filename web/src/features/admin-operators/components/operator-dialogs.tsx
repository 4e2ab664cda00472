import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
import {
  languages,
  roles,
  setOperatorPassword,
  useSaveOperator,
  type Language,
  type Operator,
  type OperatorChanges,
  type Role,
} from '../api/operators';
import { ErrorText } from '../../../components/ui/error-text';
import { GroupChoices } from './group-choices';
import { useGroups } from '../../../lib/tenant-queries';

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));

/**
 * An operator's name, role, capacity, language and groups. Only what changed is sent. Administrators cannot
 * change their own role (the server refuses it too), so it is shown but not offered.
 */
export function EditOperatorDialog({
  operator,
  self,
  onClose,
}: {
  operator: Operator;
  self: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const groups = useGroups();
  const save = useSaveOperator();
  const ownRoleHint = useId();
  const [name, setName] = useState(operator.name);
  const [role, setRole] = useState<Role>(operator.role);
  const [capacity, setCapacity] = useState(String(operator.capacity));
  const [language, setLanguage] = useState(operator.language);
  const [groupIds, setGroupIds] = useState(operator.groupIds);
  const saving = useMutation({
    mutationFn: (edit: { changes: OperatorChanges; groupIds?: string[] }) =>
      save(operator, edit.changes, edit.groupIds),
    onSuccess: () => onClose(),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const changes: OperatorChanges = {};
    if (name.trim() !== operator.name) changes.name = name.trim();
    if (role !== operator.role) changes.role = role;
    if (Number(capacity) !== operator.capacity) changes.capacity = Number(capacity);
    if (language !== operator.language) changes.language = language as Language;
    const groupsChanged = !sameSet(groupIds, operator.groupIds);
    saving.mutate({ changes, groupIds: groupsChanged ? groupIds : undefined });
  }

  return (
    <Dialog title={t('adminOperators.editTitle', { name: operator.name })} onClose={onClose} className="wide">
      <form className="dialog-body operators-form" onSubmit={submit}>
        <p className="muted operators-email">{operator.email}</p>
        <div className="operators-row">
          <label>
            {t('adminOperators.name')}
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </label>
          <div className="operators-field">
            <label>
              {t('adminOperators.role')}
              <select
                value={role}
                onChange={(e) => setRole(e.target.value as Role)}
                disabled={self}
                aria-describedby={self ? ownRoleHint : undefined}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(`adminOperators.roles.${r}`)}
                  </option>
                ))}
              </select>
            </label>
            {self && (
              <p id={ownRoleHint} className="muted operators-hint">
                {t('adminOperators.ownRole')}
              </p>
            )}
          </div>
        </div>
        <div className="operators-row">
          <label>
            {t('adminOperators.capacity')}
            <input
              type="number"
              min={1}
              max={100}
              value={capacity}
              onChange={(e) => setCapacity(e.target.value)}
              required
            />
          </label>
          <label>
            {t('language.label')}
            <select value={language} onChange={(e) => setLanguage(e.target.value)}>
              {languages.map((l) => (
                <option key={l} value={l}>
                  {t(`language.${l}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <GroupChoices groups={groups.data} chosen={groupIds} onChange={setGroupIds} />
        <ErrorText error={saving.error} detail />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving.isPending}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A new password for someone who forgot theirs; the server's rule is shown if it refuses. */
export function PasswordDialog({
  operator,
  onClose,
  onDone,
}: {
  operator: Operator;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const hint = useId();
  const [password, setPassword] = useState('');
  const saving = useMutation({
    mutationFn: (newPassword: string) => setOperatorPassword(operator.id, newPassword),
    onSuccess: () => onDone(),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    saving.mutate(password);
  }

  return (
    <Dialog title={t('adminOperators.passwordTitle', { name: operator.name })} onClose={onClose}>
      <form className="dialog-body operators-form" onSubmit={submit}>
        <label>
          {t('adminOperators.newPassword')}
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete="new-password"
            aria-describedby={hint}
          />
        </label>
        <p id={hint} className="muted operators-hint">
          {t('adminOperators.passwordExplain', { name: operator.name })}
        </p>
        <ErrorText error={saving.error} detail />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving.isPending}>
            {t('adminOperators.setPassword')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Deactivating keeps the operator's history but stops their sign-in and new sessions, so it is confirmed. */
export function ActiveDialog({
  operator,
  onClose,
  onDone,
}: {
  operator: Operator;
  onClose: () => void;
  onDone: (active: boolean) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveOperator();
  const deactivating = operator.active;
  return (
    <ConfirmDialog
      title={t(deactivating ? 'adminOperators.deactivateTitle' : 'adminOperators.reactivateTitle', {
        name: operator.name,
      })}
      confirmLabel={t(deactivating ? 'adminOperators.deactivate' : 'adminOperators.reactivate')}
      danger={deactivating}
      action={async () => {
        await save(operator, { active: !deactivating });
        onDone(!deactivating);
      }}
      onClose={onClose}
    >
      <p>{t(deactivating ? 'adminOperators.deactivateExplain' : 'adminOperators.reactivateExplain')}</p>
    </ConfirmDialog>
  );
}
