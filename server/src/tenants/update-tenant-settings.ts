import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { findGroup } from '../groups/groups.repo.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import {
  isRetentionDays,
  isTimeZone,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  settingsFrom,
  type TenantSettings,
} from './read-tenant-settings.js';
import { mergeTenantSettings } from './tenants.repo.js';

/** Changes some of the tenant's settings; the keys not given, and keys of other modules, stay as they are. */
export async function updateTenantSettings(
  deps: { database: Database },
  actor: Actor,
  patch: Partial<TenantSettings>,
): Promise<TenantSettings> {
  if (patch.timezone !== undefined && !isTimeZone(patch.timezone))
    throw new AppError('unprocessable', `Unknown time zone: ${patch.timezone}`);
  if (
    patch.retentionDays !== undefined &&
    patch.retentionDays !== null &&
    !isRetentionDays(patch.retentionDays)
  )
    throw new AppError(
      'validation_failed',
      `The retention period must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}`,
      [
        {
          path: '/body/retentionDays',
          message: `must be between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS}`,
        },
      ],
    );
  return deps.database.db.transaction(async (tx) => {
    if (patch.defaultGroupId && !(await findGroup(tx, actor.tenantId, patch.defaultGroupId)))
      throw AppError.notFound('Group');
    const stored = await mergeTenantSettings(tx, actor.tenantId, patch);
    if (!stored) throw AppError.notFound('Tenant');
    const settings = settingsFrom(stored);
    await recordEvent(
      tx,
      actor.tenantId,
      'tenant.settings.changed',
      [rooms.tenant(actor.tenantId)],
      settings,
    );
    await recordAudit(
      tx,
      actor,
      'tenant.settings.update',
      { type: 'tenant', id: actor.tenantId },
      { ...patch },
    );
    return settings;
  });
}
