import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roles, useInviteOperator, type Operator, type Role } from '../api/operators';
import { ErrorText } from '../../../components/ui/error-text';
import { GroupChoices } from './group-choices';
import { useGroups } from '../../../lib/tenant-queries';

/**
 * Invites an operator: who, their role and capacity, a first password to sign in with, and their groups. The
 * server checks the e-mail and the password; what it refuses is shown here and nothing is created.
 */
export function InviteForm({
  onDone,
  onCancel,
}: {
  onDone: (operator: Operator) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const groups = useGroups();
  const invite = useInviteOperator();
  const passwordHint = useId();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [capacity, setCapacity] = useState('3');
  const [password, setPassword] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const invitation = useMutation({ mutationFn: invite, onSuccess: (created) => onDone(created) });

  function submit(e: FormEvent) {
    e.preventDefault();
    invitation.mutate({
      name: name.trim(),
      email: email.trim(),
      role,
      capacity: Number(capacity),
      password,
      groupIds,
    });
  }

  return (
    <form className="operators-form" onSubmit={submit}>
      <div className="operators-row">
        <label>
          {t('adminOperators.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          {t('adminOperators.email')}
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            maxLength={320}
            autoComplete="off"
          />
        </label>
      </div>
      <div className="operators-row">
        <label>
          {t('adminOperators.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`adminOperators.roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
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
      </div>
      <label>
        {t('adminOperators.initialPassword')}
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoComplete="new-password"
          aria-describedby={passwordHint}
        />
      </label>
      <p id={passwordHint} className="muted operators-hint">
        {t('adminOperators.initialPasswordHint')}
      </p>
      <GroupChoices groups={groups.data} chosen={groupIds} onChange={setGroupIds} />
      <ErrorText error={invitation.error} detail />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={invitation.isPending}>
          {t('adminOperators.inviteSubmit')}
        </button>
      </div>
    </form>
  );
}
