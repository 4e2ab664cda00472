import { randomBytes } from 'node:crypto';
import type { Database } from '../../server/src/db/database.js';
import { authSessions, groupMembers, groups, users } from '../../server/src/db/schema.js';
import { insertChannelAccount } from '../../server/src/channels/channel-accounts.repo.js';
import { createSecretBox } from '../../server/src/lib/secret-box.js';
import { randomToken, sha256Hex } from '../../server/src/lib/tokens.js';
import { createTenant } from '../../server/src/tenants/create-tenant.js';

/** The Meta app the bench plays: one app secret signs every webhook, as one Meta app serving several numbers. */
export const META_APP = { appSecret: 'bench-app-secret', verifyToken: 'bench-verify-token' } as const;

/** The number customers write to in the inbound, scale and PGlite phases (webhooks sent by the bench). */
export const INBOUND_NUMBER = {
  phoneNumberId: '100000000000001',
  displayPhoneNumber: '15550000001',
  wabaId: '200000000000001',
  accessToken: 'bench-inbound-token',
} as const;

/** The number operators reply from in the outbound phase (served by the sandbox). */
export const OUTBOUND_NUMBER = {
  phoneNumberId: '100000000000002',
  displayPhoneNumber: '15550000002',
  wabaId: '200000000000002',
  accessToken: 'bench-outbound-token',
} as const;

/** The key the app process is started with, so the bench can seal the numbers' credentials it reads. */
export const BENCH_SECRET_KEY = Buffer.alloc(32, 42).toString('base64');

/** Adds operators to a group, through the server's schema, while the app runs (before they connect). */
export async function addToGroup(database: Database, tenant: BenchTenant, operators: BenchOperator[]) {
  for (let i = 0; i < operators.length; i += 500) {
    await database.db
      .insert(groupMembers)
      .values(
        operators
          .slice(i, i + 500)
          .map((o) => ({ tenantId: tenant.id, groupId: tenant.groupId, userId: o.id })),
      );
  }
}

/** An operator signed in with a cookie session, as the workspace would be after logging in. */
export interface BenchOperator {
  id: string;
  cookie: string;
}

export interface BenchTenant {
  id: string;
  groupId: string;
  /** Connected during the measured phases, made available so new sessions are offered to them. */
  operators: BenchOperator[];
}

export interface BenchSeed {
  inbound: BenchTenant & { scaleOperators: BenchOperator[] };
  outbound: BenchTenant;
}

export interface SeedPlan {
  inboundOperators: number;
  scaleOperators: number;
  outboundOperators: number;
  /** Sessions each outbound operator takes (their capacity). */
  outboundCapacity: number;
}

/**
 * Creates the bench's two tenants with the server's own repositories: "inbound" (one group, its operators, the
 * scale operators, the inbound WhatsApp number) and "outbound" (one group of high-capacity operators and the
 * sandbox's number). Operators get cookie sessions directly: 1,000 password logins would measure argon2 and the
 * login rate limit, not the product.
 */
export async function seedBench(database: Database, plan: SeedPlan): Promise<BenchSeed> {
  const box = createSecretBox(Buffer.from(BENCH_SECRET_KEY, 'base64'));
  const credentials = (number: { accessToken: string }) => ({
    accessToken: number.accessToken,
    appSecret: META_APP.appSecret,
    verifyToken: META_APP.verifyToken,
  });
  const seed = await database.db.transaction(async (tx) => {
    const makeTenant = async (slug: string, groupName: string) => {
      const tenant = await createTenant(tx, {
        name: `Bench ${slug}`,
        slug: `bench-${slug}`,
        settings: { wrapupRequired: false },
      });
      const [group] = await tx
        .insert(groups)
        .values({ tenantId: tenant.id, name: groupName, routingMode: 'utilisation' })
        .returning({ id: groups.id });
      return { id: tenant.id, groupId: group!.id };
    };
    const addOperators = async (
      tenant: { id: string; groupId: string },
      prefix: string,
      count: number,
      capacity: number,
      member = true,
    ) => {
      if (count === 0) return [];
      const rows = Array.from({ length: count }, (_, i) => ({
        tenantId: tenant.id,
        email: `${prefix}-${i}@bench.switchboard.test`,
        name: `${prefix} ${i}`,
        role: 'operator' as const,
        capacity,
        passwordHash: null,
      }));
      const inserted: { id: string }[] = [];
      for (let i = 0; i < rows.length; i += 500) {
        inserted.push(
          ...(await tx
            .insert(users)
            .values(rows.slice(i, i + 500))
            .returning({ id: users.id })),
        );
      }
      for (let i = 0; member && i < inserted.length; i += 500) {
        await tx
          .insert(groupMembers)
          .values(
            inserted
              .slice(i, i + 500)
              .map((u) => ({ tenantId: tenant.id, groupId: tenant.groupId, userId: u.id })),
          );
      }
      return inserted;
    };

    const inbound = await makeTenant('inbound', 'Queue');
    const outbound = await makeTenant('outbound', 'Replies');
    await insertChannelAccount(tx, box, {
      tenantId: inbound.id,
      channel: 'whatsapp',
      name: `WhatsApp +${INBOUND_NUMBER.displayPhoneNumber}`,
      externalId: INBOUND_NUMBER.phoneNumberId,
      settings: { wabaId: INBOUND_NUMBER.wabaId, displayPhoneNumber: INBOUND_NUMBER.displayPhoneNumber },
      credentials: credentials(INBOUND_NUMBER),
    });
    await insertChannelAccount(tx, box, {
      tenantId: outbound.id,
      channel: 'whatsapp',
      name: `WhatsApp +${OUTBOUND_NUMBER.displayPhoneNumber}`,
      externalId: OUTBOUND_NUMBER.phoneNumberId,
      settings: { wabaId: OUTBOUND_NUMBER.wabaId, displayPhoneNumber: OUTBOUND_NUMBER.displayPhoneNumber },
      credentials: credentials(OUTBOUND_NUMBER),
    });
    return {
      inbound,
      outbound,
      inboundUsers: await addOperators(inbound, 'agent', plan.inboundOperators, 3),
      // They join the group just before the scale phase: a thousand offline members would make every routing
      // decision of the inbound phases read a thousand operators' load.
      scaleUsers: await addOperators(inbound, 'scale', plan.scaleOperators, 3, false),
      outboundUsers: await addOperators(outbound, 'replier', plan.outboundOperators, plan.outboundCapacity),
    };
  });

  // New customers go to the tenant's one group.
  for (const t of [seed.inbound, seed.outbound]) {
    await database.query('UPDATE tenants SET settings = $1::jsonb WHERE id = $2', [
      JSON.stringify({ wrapupRequired: false, defaultGroupId: t.groupId }),
      t.id,
    ]);
  }

  const expiresAt = new Date(Date.now() + 12 * 3_600_000);
  // Cookie sessions as the login route stores them (the id is the token's hash), in batches.
  const signIn = async (tenantId: string, list: { id: string }[]): Promise<BenchOperator[]> => {
    const tokens = list.map(() => randomToken());
    const rows = list.map((user, i) => ({
      id: sha256Hex(tokens[i]!),
      tenantId,
      userId: user.id,
      csrfToken: randomBytes(18).toString('base64url'),
      expiresAt,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await database.db.insert(authSessions).values(rows.slice(i, i + 500));
    }
    return list.map((user, i) => ({ id: user.id, cookie: `sb_session=${tokens[i]}` }));
  };
  return {
    inbound: {
      ...seed.inbound,
      operators: await signIn(seed.inbound.id, seed.inboundUsers),
      scaleOperators: await signIn(seed.inbound.id, seed.scaleUsers),
    },
    outbound: { ...seed.outbound, operators: await signIn(seed.outbound.id, seed.outboundUsers) },
  };
}
