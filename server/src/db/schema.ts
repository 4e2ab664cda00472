/*
 * One schema for both drivers (embedded PGlite and PostgreSQL). Every domain table carries tenant_id, and every
 * list the product shows has an index from the start. Enumerations are text columns checked by the application
 * schemas: adding a value then needs no migration that rewrites a type.
 *
 * One file per area under schema/. Code imports the tables from here, and drizzle-kit reads this file
 * (drizzle.config.ts), finding every table through these re-exports.
 */
export { tenantEventCounters, tenants } from './schema/tenants.js';
export * from './schema/operators.js';
export * from './schema/contacts.js';
export * from './schema/channels.js';
export * from './schema/library.js';
export * from './schema/sessions.js';
export * from './schema/messages.js';
export * from './schema/access.js';
export * from './schema/realtime.js';
export * from './schema/webhooks.js';
