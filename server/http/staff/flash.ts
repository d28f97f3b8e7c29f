// A one-view message after a POST-redirect-GET ("Session saved"): the POST sets a short cookie naming the message, the next staff page shows it once and clears it.
import type { Request, Response } from 'express';
import { readCookies } from './auth';

const FLASH_COOKIE = 'dslkit_flash';

/** Every message a redirect can carry: the cookie names one of these, so nothing in it is ever shown as text. */
export const FLASH_MESSAGES = {
  'session-saved': { heading: 'Session saved', body: 'Send each DSL their links below, and write the record of supervision for each.' },
  'record-saved': { heading: 'Record of supervision saved', body: 'You can open it again from this page to complete or correct it.' },
} as const;
export type FlashCode = keyof typeof FLASH_MESSAGES;
export interface Flash { heading: string; body: string }

const attributes = (req: Request, maxAge: number) => `Path=/staff; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${req.secure ? '; Secure' : ''}`;

/** Sets the message the next staff page shows (call before the redirect). */
export function setFlash(req: Request, res: Response, code: FlashCode): void {
  res.append('Set-Cookie', `${FLASH_COOKIE}=${code}; ${attributes(req, 300)}`);
}

/** The message waiting for this view, if any, cleared so that it shows once. */
export function takeFlash(req: Request, res: Response): Flash | null {
  const code = readCookies(req)[FLASH_COOKIE];
  if (code === undefined) return null;
  res.append('Set-Cookie', `${FLASH_COOKIE}=; ${attributes(req, 0)}`);
  return Object.hasOwn(FLASH_MESSAGES, code) ? FLASH_MESSAGES[code as FlashCode] : null;
}
