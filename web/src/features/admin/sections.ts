/** The administration area's sections, in the order of its menu; each lives at `/admin/<id>`. */
export const adminSections = [
  'operators',
  'groups',
  'routing',
  'channels',
  'templates',
  'tags',
  'wrapup',
  'settings',
  'blacklist',
  'api-keys',
  'webhooks',
] as const;

export type AdminSection = (typeof adminSections)[number];

export function adminPath(section: AdminSection, query?: URLSearchParams): string {
  const search = query?.toString();
  return search ? `/admin/${section}?${search}` : `/admin/${section}`;
}

/** The section a path shows: `/admin` alone opens the first. `/webhooks` is where webhooks were first kept. */
export function sectionOf(path: string): AdminSection | null {
  if (path === '/webhooks') return 'webhooks';
  if (path !== '/admin' && !path.startsWith('/admin/')) return null;
  const id = path.slice('/admin/'.length).split('/')[0] ?? '';
  return (adminSections as readonly string[]).includes(id) ? (id as AdminSection) : 'operators';
}
