import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { createTestContact, createTestSession } from '../../test/session-factory.js';
import { contacts } from '../db/schema.js';
import { renderTemplate, unknownVariables } from './render-template.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];

beforeAll(async () => {
  ({ t, a, b, s, api } = await startTwoTenants());
});
afterAll(() => t.close());

const names = (response: { body: { items: Array<{ name: string }> } }) =>
  response.body.items.map((r) => r.name);

describe('renderTemplate', () => {
  it('fills known variables, leaves missing ones empty and keeps text that is not a variable', () => {
    expect(
      renderTemplate('Hi {{contact.firstName}}, I am {{ operator.name }}.{{contact.email}}', {
        'contact.firstName': 'Karel',
        'operator.name': 'Olga',
      }),
    ).toBe('Hi Karel, I am Olga.');
    expect(renderTemplate('{{contact.name}} {not} {{ }} {{contact.name', { 'contact.name': 'A' })).toBe(
      'A {not} {{ }} {{contact.name',
    );
    expect(unknownVariables('{{contact.nmae}} {{contact.name}} {{x}} {{contact.nmae}}')).toEqual([
      'contact.nmae',
      'x',
    ]);
  });
});

describe('templates', () => {
  it('are created for the tenant or for a group, and operators list those of the tenant and of their groups', async () => {
    const everyone = await api(s.adminA!, 'POST', '/templates', { name: 'Greeting', body: 'Hello!' });
    expect(everyone.status).toBe(201);
    expect(everyone.body).toMatchObject({ name: 'Greeting', groupId: null });
    await api(s.adminA!, 'POST', '/templates', { name: 'Sales offer', body: 'Buy', groupId: a.groupA });
    await api(s.adminA!, 'POST', '/templates', { name: 'Support steps', body: 'Restart', groupId: a.groupB });
    expect(names(await api(s.olga!, 'GET', '/templates'))).toEqual(['Greeting', 'Sales offer']);
    expect(names(await api(s.petr!, 'GET', '/templates'))).toEqual(['Greeting', 'Support steps']);
    expect(names(await api(s.adminA!, 'GET', '/templates'))).toEqual([
      'Greeting',
      'Sales offer',
      'Support steps',
    ]);
    expect(names(await api(s.olga!, 'GET', '/templates?q=BUY'))).toEqual(['Sales offer']);
    expect(names(await api(s.adminB!, 'GET', '/templates'))).toEqual([]);
    const support = (await api(s.adminA!, 'GET', '/templates')).body.items.find(
      (x: { name: string }) => x.name === 'Support steps',
    );
    expect((await api(s.olga!, 'GET', `/templates/${support.id}`)).status).toBe(404);
    expect((await api(s.petr!, 'GET', `/templates/${support.id}`)).status).toBe(200);
  });

  it('refuse unknown variables by name, and nothing is saved', async () => {
    const response = await api(s.adminA!, 'POST', '/templates', {
      name: 'Typo',
      body: 'Hi {{contact.fristName}} from {{operator.name}} {{company}}',
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('unprocessable');
    expect(response.body.error.message).toContain('contact.fristName');
    expect(response.body.error.details.unknownVariables).toEqual(['contact.fristName', 'company']);
    expect(names(await api(s.adminA!, 'GET', '/templates?q=Typo'))).toEqual([]);
    const ok = await api(s.adminA!, 'POST', '/templates', { name: 'Fine', body: 'Hi' });
    const patch = await api(s.adminA!, 'PATCH', `/templates/${ok.body.id}`, { body: '{{session.nope}}' });
    expect(patch.status).toBe(422);
    expect((await api(s.adminA!, 'GET', `/templates/${ok.body.id}`)).body.body).toBe('Hi');
  });

  it('have names unique in the tenant, any case and whatever the group, and a refused one saves nothing', async () => {
    const first = await api(s.adminA!, 'POST', '/templates', { name: 'Opening hours', body: 'Mon–Fri' });
    expect(first.status).toBe(201);
    const again = await api(s.adminA!, 'POST', '/templates', {
      name: ' opening HOURS ',
      body: 'Other text',
      groupId: a.groupB,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'already_exists',
      message: 'A template with this name already exists',
      details: { field: 'name' },
    });
    expect(names(await api(s.adminA!, 'GET', '/templates?q=hours'))).toEqual(['Opening hours']);
    const other = await api(s.adminA!, 'POST', '/templates', { name: 'Closing', body: 'Bye' });
    const rename = await api(s.adminA!, 'PATCH', `/templates/${other.body.id}`, {
      name: 'OPENING hours',
      body: 'Changed',
    });
    expect(rename.status).toBe(409);
    expect((await api(s.adminA!, 'GET', `/templates/${other.body.id}`)).body).toMatchObject({
      name: 'Closing',
      body: 'Bye',
    });
    // Its own name, in another case, is no conflict; names are trimmed; another tenant may use the name.
    const recased = await api(s.adminA!, 'PATCH', `/templates/${first.body.id}`, { name: ' Opening Hours ' });
    expect(recased.body.name).toBe('Opening Hours');
    expect((await api(s.adminA!, 'PATCH', `/templates/${first.body.id}`, { name: '  ' })).status).toBe(400);
    expect((await api(s.adminB!, 'POST', '/templates', { name: 'Opening hours', body: 'x' })).status).toBe(
      201,
    );
  });

  it('are changed and deleted by administrators of the tenant only', async () => {
    const template = (await api(s.adminA!, 'POST', '/templates', { name: 'Owned', body: 'x' })).body.id;
    expect((await api(s.olga!, 'POST', '/templates', { name: 'n', body: 'b' })).status).toBe(403);
    expect((await api(s.olga!, 'PATCH', `/templates/${template}`, { body: 'y' })).status).toBe(403);
    expect((await api(s.adminB!, 'PATCH', `/templates/${template}`, { body: 'y' })).status).toBe(404);
    expect((await api(s.adminB!, 'DELETE', `/templates/${template}`)).status).toBe(404);
    expect(
      (await api(s.adminB!, 'POST', '/templates', { name: 'n', body: 'b', groupId: a.groupA })).status,
    ).toBe(404);
    const moved = await api(s.adminA!, 'PATCH', `/templates/${template}`, { groupId: a.groupB, body: 'y' });
    expect(moved.body).toMatchObject({ groupId: a.groupB, body: 'y', name: 'Owned' });
    expect((await api(s.adminA!, 'DELETE', `/templates/${template}`)).status).toBe(204);
    expect((await api(s.adminA!, 'GET', `/templates/${template}`)).status).toBe(404);
  });
});

describe('rendering a template for a session', () => {
  it('fills the contact, the calling operator and the session', async () => {
    const contact = await createTestContact(t.database, a, {
      name: 'Karel Novák',
      email: 'karel@example.test',
    });
    const session = await createTestSession(t.database, a, { contactId: contact.id, groupId: a.groupA });
    const template = await api(s.adminA!, 'POST', '/templates', {
      name: 'Full',
      body: 'Dear {{contact.firstName}} ({{contact.name}}, {{contact.email}}{{contact.phone}}), {{operator.firstName}} here — {{operator.name}} on {{session.channel}}.',
    });
    const rendered = await api(s.olga!, 'POST', `/templates/${template.body.id}/render`, {
      sessionId: session.id,
    });
    expect(rendered.status).toBe(200);
    expect(rendered.body).toEqual({
      templateId: template.body.id,
      sessionId: session.id,
      text: 'Dear Karel (Karel Novák, karel@example.test), Olga here — Olga on webchat.',
    });
    // An entered first name wins over the first word of the name.
    await t.database.db.update(contacts).set({ firstName: 'Kája' }).where(eq(contacts.id, contact.id));
    const again = await api(s.olga!, 'POST', `/templates/${template.body.id}/render`, {
      sessionId: session.id,
    });
    expect(again.body.text).toMatch(/^Dear Kája /);
  });

  it('is refused for a session or a template the caller does not see', async () => {
    const session = await createTestSession(t.database, a, { groupId: a.groupA });
    const shared = (
      await api(s.adminA!, 'POST', '/templates', { name: 'Shared', body: 'Hi {{contact.name}}' })
    ).body;
    const groupB = (
      await api(s.adminA!, 'POST', '/templates', { name: 'B only', body: 'x', groupId: a.groupB })
    ).body;
    const sessionB = await createTestSession(t.database, b);
    const cases: Array<[Session, string, string]> = [
      [s.petr!, shared.id, session.id], // session of another group
      [s.olga!, groupB.id, session.id], // template of another group
      [s.adminB!, shared.id, sessionB.id], // template of another tenant
      [s.olga!, shared.id, sessionB.id], // session of another tenant
    ];
    for (const [who, templateId, sessionId] of cases) {
      const response = await api(who, 'POST', `/templates/${templateId}/render`, { sessionId });
      expect(response.status).toBe(404);
    }
  });
});
