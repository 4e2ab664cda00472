import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../src/db/database.js';
import { groupMembers, groups } from '../src/db/schema.js';
import { hashPassword } from '../src/auth/passwords.js';
import { insertOperator } from '../src/operators/operators.repo.js';
import { createTenant } from '../src/tenants/create-tenant.js';

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: 'operator' | 'supervisor' | 'admin';
}

export interface TestTenant {
  id: string;
  admin: TestUser;
  supervisor: TestUser;
  /** Operators: [0] in group A, [1] in group B. */
  operators: TestUser[];
  groupA: string;
  groupB: string;
}

/**
 * A fresh tenant for one test: an admin, a supervisor of group A, an operator in group A and one in group B.
 * Every test builds its own, so tests share a database without seeing each other.
 */
export async function createTestTenant(database: Database): Promise<TestTenant> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const suffix = randomUUID().slice(0, 8);
  return database.db.transaction(async (tx) => {
    const tenant = await createTenant(tx, { name: `Tenant ${suffix}`, slug: `t-${suffix}` });
    const [a, b] = await tx
      .insert(groups)
      .values([
        { tenantId: tenant.id, name: 'Group A' },
        { tenantId: tenant.id, name: 'Group B' },
      ])
      .returning({ id: groups.id });
    const user = async (role: TestUser['role'], name: string, groupIds: string[]): Promise<TestUser> => {
      const email = `${name.toLowerCase()}-${suffix}@example.test`;
      const { id } = await insertOperator(tx, {
        tenantId: tenant.id,
        email,
        name,
        role,
        capacity: 3,
        passwordHash: hash,
      });
      for (const groupId of groupIds)
        await tx.insert(groupMembers).values({ tenantId: tenant.id, groupId, userId: id });
      return { id, email, name, role };
    };
    return {
      id: tenant.id,
      admin: await user('admin', 'Admin', []),
      supervisor: await user('supervisor', 'Supervisor', [a!.id]),
      operators: [await user('operator', 'Olga', [a!.id]), await user('operator', 'Petr', [b!.id])],
      groupA: a!.id,
      groupB: b!.id,
    };
  });
}

export interface Session {
  cookie: string;
  csrfToken: string;
  /** Headers for a change request: the cookie and the CSRF token. */
  headers: Record<string, string>;
}

export async function logIn(url: string, user: { email: string }, password = PASSWORD): Promise<Session> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** A fetch that returns status and parsed body, for compact assertions. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, headers: { ...options.headers } };
  if (options.rawBody !== undefined) init.body = options.rawBody;
  else if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: response.status, body };
}

export type App = FastifyInstance;
