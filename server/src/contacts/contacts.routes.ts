import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import type { FileStore } from '../files/file-store.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import {
  Contact,
  ContactExport,
  ContactPage,
  EraseReply,
  HistoryPage,
  HistoryQuery,
  MergeContactBody,
  SearchContactsQuery,
  UpdateContactBody,
} from './contacts.schema.js';
import { eraseContact } from './erase-contact.js';
import { exportContact } from './export-contact.js';
import { listContactHistory } from './list-contact-history.js';
import { mergeContacts } from './merge-contacts.js';
import { readContact } from './read-contact.js';
import { searchContacts } from './search-contacts.js';
import { updateContact } from './update-contact.js';

export const contactsRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  now: () => Date;
  fileStore?: Pick<FileStore, 'delete'>;
}> = async (app, deps) => {
  const tags = ['contacts'];

  app.get(
    '/contacts',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'The contact directory: search by name, e-mail, phone or identity',
        querystring: SearchContactsQuery,
        response: { 200: ContactPage, ...errorResponses },
      },
    },
    async (request) => searchContacts(deps, actorOf(request), request.query),
  );

  app.get(
    '/contacts/:id',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Contact, ...errorResponses } },
    },
    async (request) => readContact(deps, actorOf(request), request.params.id),
  );

  app.patch(
    '/contacts/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Edit the contact card',
        params: IdParams,
        body: UpdateContactBody,
        response: { 200: Contact, ...errorResponses },
      },
    },
    async (request) => updateContact(deps, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/contacts/:id/merge',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Fold a duplicate contact into this one',
        params: IdParams,
        body: MergeContactBody,
        response: { 200: Contact, ...errorResponses },
      },
    },
    async (request) => mergeContacts(deps, actorOf(request), request.params.id, request.body.sourceContactId),
  );

  app.get(
    '/contacts/:id/sessions',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'History: the contact’s sessions you may see, newest first, with their messages',
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errorResponses },
      },
    },
    async (request) => listContactHistory(deps, actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/contacts/:id/export',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Everything held about the contact (GDPR access request)',
        params: IdParams,
        response: { 200: ContactExport, ...errorResponses },
      },
    },
    async (request) => exportContact(deps, actorOf(request), request.params.id),
  );

  app.delete(
    '/contacts/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Erase the contact and their messages, files and identities (GDPR erasure)',
        params: IdParams,
        response: { 200: EraseReply, ...errorResponses },
      },
    },
    async (request) => eraseContact(deps, actorOf(request), request.params.id),
  );
};
