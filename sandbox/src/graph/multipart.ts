import type { FastifyRequest } from 'fastify';
import { graphError, type Product } from './graph-error.js';
import { setLoggedBody } from './request-hooks.js';

export interface UploadedFile {
  fieldname: string;
  filename: string;
  mimetype: string;
  data: Buffer;
}

/** Reads a multipart body into fields and files, and logs a summary of it (not the bytes). */
export async function readMultipart(product: Product, request: FastifyRequest) {
  if (!request.isMultipart())
    throw graphError(product, 100, { details: 'The request must be multipart/form-data.' });
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      files.push({
        fieldname: part.fieldname,
        filename: part.filename,
        mimetype: part.mimetype,
        data: await part.toBuffer(),
      });
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  setLoggedBody(request, {
    ...fields,
    files: files.map((f) => ({
      field: f.fieldname,
      filename: f.filename,
      mimetype: f.mimetype,
      size: f.data.length,
    })),
  });
  return { fields, files };
}
