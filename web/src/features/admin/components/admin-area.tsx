import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { AppLink } from '../../../components/ui/app-link';
import { WebhooksPage } from '../../webhooks/components/webhooks-page';
import { adminPath, adminSections, type AdminSection } from '../sections';

/** What each section shows. Every section is a `.page` of its own: a main column and an optional aside. */
const sectionPages: Record<AdminSection, ComponentType> = {
  operators: Pending,
  groups: Pending,
  routing: Pending,
  channels: Pending,
  templates: Pending,
  tags: Pending,
  wrapup: Pending,
  settings: Pending,
  blacklist: Pending,
  'api-keys': Pending,
  webhooks: WebhooksPage,
};

function Pending() {
  return null;
}

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
