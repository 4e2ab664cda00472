import { useTranslation } from 'react-i18next';
import type { Group } from '../../../lib/tenant-queries';

/** Checkboxes of the tenant's groups, for the groups an operator belongs to. */
export function GroupChoices({
  groups,
  chosen,
  onChange,
}: {
  groups: Array<Pick<Group, 'id' | 'name'>> | undefined;
  chosen: string[];
  onChange: (groupIds: string[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="operators-groups">
      <legend>{t('adminOperators.groups')}</legend>
      {groups?.length === 0 && <p className="muted">{t('adminOperators.noGroups')}</p>}
      <div className="operators-group-choices">
        {groups?.map((group) => (
          <label key={group.id} className="operators-group-choice">
            <input
              type="checkbox"
              checked={chosen.includes(group.id)}
              onChange={(e) =>
                onChange(e.target.checked ? [...chosen, group.id] : chosen.filter((id) => id !== group.id))
              }
            />
            {group.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
