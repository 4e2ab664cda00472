import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { groups } from './operators.js';
import { createdAt, id, tenantId } from './tenants.js';

/*
 * What a tenant sets up for its operators: wrap-up reasons, reply templates and tags.
 */

export const wrapupReasons = pgTable('wrapup_reasons', {
  id: id(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const templates = pgTable(
  'templates',
  {
    id: id(),
    tenantId: tenantId(),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('templates_tenant_idx').on(t.tenantId, t.name)],
);

export const tags = pgTable(
  'tags',
  {
    id: id(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    color: text('color'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_tenant_name_key').on(t.tenantId, t.name)],
);
