// Parses staff form posts: urlencoded fields, and multipart/form-data (CSV uploads, kept in memory, size-limited) into req.body and uploadedFiles().
import express, { type Request, type RequestHandler } from 'express';
import Busboy from 'busboy';
import { TooLargeError, ValidationError } from '../../domain/errors';

export interface UploadedFile { field: string; filename: string; text: string }

/** Largest accepted upload (a roster of thousands of schools is well under this). */
export const maxUploadBytes = 5 * 1024 * 1024;

/** The files sent with a multipart request (empty for other requests). */
export function uploadedFiles(req: Request): UploadedFile[] {
  return ((req as unknown as { files?: UploadedFile[] }).files) ?? [];
}

const multipart: RequestHandler = (req, _res, next) => {
  if (!req.is('multipart/form-data')) { next(); return; }
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  let failed: Error | null = null;
  let bb: Busboy.Busboy;
  try {
    bb = Busboy({ headers: req.headers, limits: { fileSize: maxUploadBytes, files: 3, fields: 50, fieldSize: 64 * 1024 } });
  } catch {
    next(new ValidationError('The upload could not be read.'));
    return;
  }
  bb.on('field', (name, value) => { fields[name] = value; });
  bb.on('file', (field, stream, info) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('limit', () => { failed = new TooLargeError(`The file is larger than ${maxUploadBytes / 1024 / 1024} MB.`); });
    stream.on('end', () => { files.push({ field, filename: info.filename ?? '', text: Buffer.concat(chunks).toString('utf8') }); });
  });
  let settled = false;
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    if (err) { next(err); return; }
    req.body = fields;
    (req as unknown as { files: UploadedFile[] }).files = files;
    next();
  };
  // busboy emits 'error' without 'close' on a malformed part (e.g. a NUL byte in a file name): answer at once, drain the rest.
  bb.on('error', () => { req.unpipe(bb); req.resume(); settle(failed ?? new ValidationError('The upload could not be read.')); });
  bb.on('close', () => settle(failed));
  req.pipe(bb);
};

/** Body parsers for everything under /staff. */
export function staffBodyParsers(): RequestHandler[] {
  return [express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 2000 }), express.json({ limit: '1mb' }), multipart];
}

/** A form field as a trimmed string ('' when absent). */
export function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : '';
}

/** A repeated form field (checkboxes) as a list of strings. */
export function fieldList(req: Request, name: string): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
