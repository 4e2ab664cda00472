import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { AppLink } from '../../../components/ui/app-link';
import { TagsPage } from '../../admin-catalogue/components/tags-page';
import { OperatorsPage } from '../../admin-operators/components/operators-page';
import { TemplatesPage } from '../../admin-catalogue/components/templates-page';
import { WrapupPage } from '../../admin-catalogue/components/wrapup-page';
import { ApiKeysPage } from '../../admin-policies/components/api-keys-page';
import { SettingsPage } from '../../admin-settings/components/settings-page';
import { BlacklistPage } from '../../admin-policies/components/blacklist-page';
import { GroupsPage } from '../../admin-routing/components/groups-page';
import { RoutingPage } from '../../admin-routing/components/routing-page';
import { ChannelsPage } from '../../admin-channels/components/channels-page';
import { WebhooksPage } from '../../webhooks/components/webhooks-page';
import { adminPath, adminSections, type AdminSection } from '../sections';

/** What each section shows. Every section is a `.page` of its own: a main column and an optional aside. */
const sectionPages: Record<AdminSection, ComponentType> = {
  operators: OperatorsPage,
  groups: GroupsPage,
  routing: RoutingPage,
  channels: ChannelsPage,
  templates: TemplatesPage,
  tags: TagsPage,
  wrapup: WrapupPage,
  settings: SettingsPage,
  blacklist: BlacklistPage,
  'api-keys': ApiKeysPage,
  webhooks: WebhooksPage,
};

/** The administration area (administrators): a menu of sections beside the section open. */
export function AdminArea({ section }: { section: AdminSection }) {
  const { t } = useTranslation();
  const Section = sectionPages[section];
  return (
    <div className="admin-area">
      <nav className="admin-menu" aria-label={t('admin.menu')}>
        <ul>
          {adminSections.map((id) => (
            <li key={id}>
              <AppLink to={adminPath(id)} current={id === section}>
                {t(`admin.section.${id}`)}
              </AppLink>
            </li>
          ))}
        </ul>
      </nav>
      <Section />
    </div>
  );
}

/** What anyone else sees at an administration address. */
export function AdminsOnly() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <main className="page-main">
        <h1>{t('admin.title')}</h1>
        <p role="status">{t('admin.adminsOnly')}</p>
      </main>
    </div>
  );
}
