// Staff session cookies and CSRF tokens: random values, only their SHA-256 stored; idle and absolute expiry rules.
import crypto from 'node:crypto';

export const sessionCookieName = 'dslkit_session';
export const loginCsrfCookieName = 'dslkit_login_csrf';
/** A session ends after this long without a request. */
export const idleTimeoutMs = 8 * 60 * 60 * 1000;
/** ... and this long after sign-in whatever happens. */
export const absoluteTimeoutMs = 12 * 60 * 60 * 1000;

/** 32 random bytes, base64url (43 characters). */
export function newOpaqueToken(randomBytes: (n: number) => Buffer): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionId(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

/** When a session seen at `now` should next expire: idle timeout from now, capped by the absolute limit. */
export function nextExpiry(createdAt: Date, now: Date): Date {
  return new Date(Math.min(now.getTime() + idleTimeoutMs, createdAt.getTime() + absoluteTimeoutMs));
}

/** Constant-time equality of two strings (false when lengths differ). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
