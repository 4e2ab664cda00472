import { eq } from 'drizzle-orm';
import { auditLog } from '../src/db/schema.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from './factories.js';
import { startTestApp, type TestApp } from './harness.js';

export interface TwoTenants {
  t: TestApp;
  /** The tenant under test: admin, supervisor of group A, Olga in group A, Petr in group B. */
  a: TestTenant;
  /** Another tenant, to prove nothing crosses. */
  b: TestTenant;
  s: {
    adminA: Session;
    supervisorA: Session;
    olga: Session;
    operatorA: Session;
    petr: Session;
    adminB: Session;
  };
  /** A call to `/api/v1…` as a signed-in user, or with headers of its own (an API key's). */
  api(
    caller: Session | Record<string, string>,
    method: string,
    path: string,
    body?: unknown,
  ): ReturnType<typeof call>;
  /** A tenant's audit log entries of one action. */
  auditOf(tenantId: string, action: string): Promise<Array<typeof auditLog.$inferSelect>>;
}

/** The set-up most route tests share: the real app, two tenants, and everyone of interest signed in. */
export async function startTwoTenants(): Promise<TwoTenants> {
  const t = await startTestApp();
  const a = await createTestTenant(t.database);
  const b = await createTestTenant(t.database);
  const s = {
    adminA: await logIn(t.url, a.admin),
    supervisorA: await logIn(t.url, a.supervisor),
    olga: await logIn(t.url, a.operators[0]!),
    operatorA: await logIn(t.url, a.operators[0]!),
    petr: await logIn(t.url, a.operators[1]!),
    adminB: await logIn(t.url, b.admin),
  };
  const api = (caller: Session | Record<string, string>, method: string, path: string, body?: unknown) =>
    call(t.url, method, `/api/v1${path}`, {
      headers: 'headers' in caller ? (caller as Session).headers : (caller as Record<string, string>),
      ...(body !== undefined ? { body } : {}),
    });
  const auditOf = async (tenantId: string, action: string) =>
    (await t.database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId))).filter(
      (r) => r.action === action,
    );
  return { t, a, b, s, api, auditOf };
}
