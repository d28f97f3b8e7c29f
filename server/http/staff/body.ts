// Parses staff form posts (urlencoded fields) and JSON (nesting limited) into req.body; file uploads are read only on upload routes (upload-body.ts).
import express, { type Request, type RequestHandler } from 'express';
import { assertJsonDepth } from '../../domain/json-depth';
import { stripControlCharacters } from '../../domain/text/control-characters';

/** Refuses a JSON body nested deeper than maxJsonDepth (400) before anything walks it. */
const jsonDepthLimit: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) { next(); return; }
  try { assertJsonDepth(req.body); next(); } catch (err) { next(err); }
};

/** Body parsers for everything under /staff: urlencoded forms and JSON, each capped at 1 MB. Multipart is not read here. */
export function staffBodyParsers(): RequestHandler[] {
  return [express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 2000 }), express.json({ limit: '1mb' }), jsonDepthLimit];
}

/** A form field as a trimmed string without control characters ('' when absent). */
export function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const text = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
  return stripControlCharacters(text).trim();
}

/** A repeated form field (checkboxes) as a list of strings. */
export function fieldList(req: Request, name: string): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof v === 'string') return [stripControlCharacters(v)];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map(stripControlCharacters) : [];
}
