import { eq } from 'drizzle-orm';
import type { Database, Executor } from '../db/database.js';
import { groupMembers, groups, tenants, wrapupReasons } from '../db/schema.js';
import { hashPassword } from '../auth/passwords.js';
import { findChannelAccountByExternalId, insertChannelAccount } from '../channels/channel-accounts.repo.js';
import type { SecretBox } from '../lib/secret-box.js';
import { insertOperator } from '../operators/operators.repo.js';
import { createTenant } from './create-tenant.js';

export const DEMO_PASSWORD = 'switchboard-demo';
export const DEMO_WEBCHAT_KEY = 'demo-webchat';

/** The demo tenant's WhatsApp number, as the in-process sandbox's demo configuration has it (sandbox/src/demo-config.ts). */
export const DEMO_WHATSAPP = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  accessToken: 'sandbox-whatsapp-token',
  appSecret: 'sandbox-app-secret',
  verifyToken: 'sandbox-verify-token',
} as const;

/** The demo tenant's Facebook Page, as the in-process sandbox's demo configuration has it. */
export const DEMO_MESSENGER = {
  pageId: '117172741761305',
  pageName: 'Switchboard Demo',
  pageAccessToken: 'sandbox-page-token',
  appSecret: 'sandbox-app-secret',
  verifyToken: 'sandbox-verify-token',
} as const;

export const DEMO_USERS = [
  {
    email: 'admin@demo.switchboard.test',
    name: 'Alex Admin',
    role: 'admin' as const,
    groups: [] as number[],
  },
  {
    email: 'supervisor@demo.switchboard.test',
    name: 'Sam Supervisor',
    role: 'supervisor' as const,
    groups: [0, 1],
  },
  { email: 'anna@demo.switchboard.test', name: 'Anna Novak', role: 'operator' as const, groups: [0] },
  { email: 'ben@demo.switchboard.test', name: 'Ben Carter', role: 'operator' as const, groups: [0, 1] },
  { email: 'clara@demo.switchboard.test', name: 'Clara Dvořák', role: 'operator' as const, groups: [1] },
];

/**
 * Creates the demo tenant once: an admin, a supervisor, three operators in two groups, wrap-up reasons, a web
 * chat widget, a WhatsApp number and a Facebook Page served by the sandbox. Returns false when it already exists, so restarts keep what the user changed.
 */
export async function seedDemo(database: Database, box: SecretBox): Promise<boolean> {
  const [existing] = await database.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, 'demo'));
  if (existing) {
    // A demo made before the Messenger channel existed gets the sandbox's page too.
    if (!(await findChannelAccountByExternalId(database.db, 'messenger', DEMO_MESSENGER.pageId)))
      await connectDemoPage(database.db, box, existing.id);
    return false;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await database.db.transaction(async (tx) => {
    const tenant = await createTenant(tx, {
      name: 'Demo Company',
      slug: 'demo',
      settings: { wrapupRequired: false },
    });
    const groupRows = await tx
      .insert(groups)
      .values([
        { tenantId: tenant.id, name: 'Support', routingMode: 'utilisation' as const },
        { tenantId: tenant.id, name: 'Sales', routingMode: 'whole_group' as const },
      ])
      .returning({ id: groups.id });
    // New customers go to Support unless a routing rule says otherwise.
    await tx
      .update(tenants)
      .set({ settings: { ...tenant.settings, defaultGroupId: groupRows[0]!.id } })
      .where(eq(tenants.id, tenant.id));
    for (const user of DEMO_USERS) {
      const { id } = await insertOperator(tx, {
        tenantId: tenant.id,
        email: user.email,
        name: user.name,
        role: user.role,
        capacity: 3,
        passwordHash,
      });
      for (const index of user.groups) {
        await tx
          .insert(groupMembers)
          .values({ tenantId: tenant.id, groupId: groupRows[index]!.id, userId: id });
      }
    }
    await tx.insert(wrapupReasons).values(
      ['Resolved', 'Information given', 'Follow-up needed', 'Spam'].map((name) => ({
        tenantId: tenant.id,
        name,
      })),
    );
    await insertChannelAccount(tx, box, {
      tenantId: tenant.id,
      channel: 'webchat',
      name: 'Demo website',
      externalId: DEMO_WEBCHAT_KEY,
    });
    await insertChannelAccount(tx, box, {
      tenantId: tenant.id,
      channel: 'whatsapp',
      name: `WhatsApp +${DEMO_WHATSAPP.displayPhoneNumber}`,
      externalId: DEMO_WHATSAPP.phoneNumberId,
      settings: { wabaId: DEMO_WHATSAPP.wabaId, displayPhoneNumber: DEMO_WHATSAPP.displayPhoneNumber },
      credentials: {
        accessToken: DEMO_WHATSAPP.accessToken,
        appSecret: DEMO_WHATSAPP.appSecret,
        verifyToken: DEMO_WHATSAPP.verifyToken,
      },
    });
    await connectDemoPage(tx, box, tenant.id);
  });
  return true;
}

async function connectDemoPage(db: Executor, box: SecretBox, tenantId: string) {
  await insertChannelAccount(db, box, {
    tenantId,
    channel: 'messenger',
    name: DEMO_MESSENGER.pageName,
    externalId: DEMO_MESSENGER.pageId,
    settings: { warnBeforeMinutes: 10 },
    credentials: {
      pageAccessToken: DEMO_MESSENGER.pageAccessToken,
      appSecret: DEMO_MESSENGER.appSecret,
      verifyToken: DEMO_MESSENGER.verifyToken,
    },
  });
}
