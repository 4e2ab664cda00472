import type { Database } from '../db/database.js';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms } from '../realtime/event-map.js';
import { recordAudit } from '../admin/record-audit.js';
import type { Executor } from '../db/database.js';
import { findGroup, insertGroup, listGroups, updateGroupRow, type GroupFields } from './groups.repo.js';

/** Creates a group, or changes one when `groupId` is given. Names are unique in a tenant. */
export async function saveGroup(
  deps: { database: Database },
  actor: Actor,
  groupId: string | undefined,
  fields: Partial<GroupFields>,
) {
  return deps.database.db.transaction(async (tx) => {
    let id = groupId;
    if (id) {
      if (!(await findGroup(tx, actor.tenantId, id))) throw AppError.notFound('Group');
      if (fields.name && (await nameTaken(tx, actor.tenantId, fields.name, id))) throw duplicate();
      await updateGroupRow(tx, actor.tenantId, id, fields);
    } else {
      const row = await insertGroup(tx, actor.tenantId, { ...fields, name: fields.name! });
      if (!row) throw duplicate();
      id = row.id;
    }
    const group = (await findGroup(tx, actor.tenantId, id))!;
    await recordEvent(tx, actor.tenantId, 'group.changed', [rooms.tenant(actor.tenantId)], {
      groupId: id,
      name: group.name,
    });
    await recordAudit(
      tx,
      actor,
      groupId ? 'group.update' : 'group.create',
      { type: 'group', id },
      { ...fields },
    );
    return group;
  });
}

const duplicate = () => AppError.alreadyExists('name', 'A group with this name already exists');

async function nameTaken(tx: Executor, tenantId: string, name: string, exceptId: string) {
  return (await listGroups(tx, tenantId)).some((g) => g.name === name && g.id !== exceptId);
}
