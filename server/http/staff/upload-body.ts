// Reads multipart/form-data CSV uploads, only on the upload routes and only after the session is checked: the CSRF token must come (header or first form field) before any file byte is kept; size-capped, every stream with an error listener.
import type { Request, RequestHandler, Response } from 'express';
import Busboy from 'busboy';
import { ForbiddenError, TooLargeError, UnsupportedMediaError, ValidationError } from '../../../shared/errors';
import { sameToken } from '../../domain/auth/session-tokens';
import { csrfInBodyKey, getAuth } from './auth';

export interface UploadedFile { field: string; filename: string; text: string }

/** Largest accepted upload (a roster of thousands of schools is well under this). */
export const maxUploadBytes = 5 * 1024 * 1024;

/** The files sent with an upload request (empty for other requests). */
export function uploadedFiles(req: Request): UploadedFile[] {
  return ((req as unknown as { files?: UploadedFile[] }).files) ?? [];
}

const isMultipart = (req: Request) => Boolean(req.is('multipart/form-data'));

/** On every route that takes no upload: a multipart body is refused (415) without reading a byte of it. */
export const refuseMultipart: RequestHandler = (req, _res, next) => {
  if (!isMultipart(req)) { next(); return; }
  next(new UnsupportedMediaError('This page does not take file uploads.'));
};

/** Answers at once and stops reading: the rest of the body is discarded as it arrives and the connection closes. */
function stopReading(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  req.unpipe();
  req.resume();
}

/** Uploads read at once; later ones wait (their sockets paused, so the sender waits too): memory for uploads stays under this many times maxUploadBytes. */
export const uploadsReadAtOnce = 4;

/** A first-come queue of upload reads, at most `uploadsReadAtOnce` at a time. */
function uploadSlots(): (start: (release: () => void) => void) => void {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => { running -= 1; const nextOne = waiting.shift(); if (nextOne) nextOne(); };
  return (start) => {
    const go = () => { running += 1; let released = false; start(() => { if (!released) { released = true; release(); } }); };
    if (running < uploadsReadAtOnce) go(); else waiting.push(go);
  };
}

/** Multipart parser for the upload routes (placed after requireRoles, so a signed-out request is answered 401 before its body is read). */
export function readUpload(): RequestHandler {
  const slot = uploadSlots();
  return (req, res, next) => {
    if (!isMultipart(req)) { next(); return; }
    slot((release) => {
      res.once('close', release);
      res.once('finish', release);
      parseUpload(req, res, (err?: unknown) => { release(); next(err); });
    });
  };
}

/** Reads one upload into req.body and uploadedFiles(), or calls next with the 400/403/413 that stopped it. */
function parseUpload(req: Request, res: Response, next: (err?: unknown) => void): void {
  const auth = getAuth(res);
  const csrfPending = res.locals[csrfInBodyKey] === true;
  if (!auth) { next(new ForbiddenError('Sign in first.')); return; }
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  let settled = false;
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    if (err) { stopReading(req, res); next(err); return; }
    req.body = fields;
    (req as unknown as { files: UploadedFile[] }).files = files;
    next();
  };
  const csrfOk = () => !csrfPending || (typeof fields._csrf === 'string' && fields._csrf !== '' && sameToken(fields._csrf, auth.csrfToken));
  const csrfRefusal = () => new ForbiddenError('The form had expired or did not come from this site. Go back, reload the page and try again.');
  const unreadable = () => new ValidationError('The upload could not be read (the form was cut off or malformed). Choose the file and send it again.');
  let bb: Busboy.Busboy;
  try {
    bb = Busboy({ headers: req.headers, limits: { fileSize: maxUploadBytes, files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024 } });
  } catch {
    settle(unreadable());
    return;
  }
  const tooLarge = () => new TooLargeError(`The file is larger than ${maxUploadBytes / 1024 / 1024} MB.`);
  bb.on('field', (name, value) => { if (!settled) fields[name] = value; });
  bb.on('file', (field, stream, info) => {
    stream.on('error', () => settle(unreadable())); // a cut-off part: busboy errors the file stream, then itself
    if (settled) { stream.resume(); return; }
    if (!csrfOk()) { stream.resume(); settle(csrfRefusal()); return; }
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => { if (!settled) chunks.push(c); });
    stream.on('limit', () => { chunks.length = 0; settle(tooLarge()); });
    stream.on('end', () => { if (!settled) files.push({ field, filename: info.filename ?? '', text: Buffer.concat(chunks).toString('utf8') }); });
  });
  for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) bb.on(limit, () => settle(new TooLargeError('The form has more parts than an upload needs.')));
  // busboy emits 'error' without 'close' on a malformed or cut-off body (e.g. a NUL byte in a file name, no closing boundary).
  bb.on('error', () => settle(unreadable()));
  bb.on('close', () => settle(csrfOk() ? null : csrfRefusal()));
  req.on('error', () => settle(unreadable()));
  req.on('aborted', () => settle(unreadable()));
  req.pipe(bb);
}

