// Invitation tokens: derived from a server secret by HMAC so links can be re-issued, stored only as SHA-256 hashes.
// A copy of the database alone therefore reveals no working link; the secret file lives outside the database.
import crypto from 'node:crypto';

/** The token in an invitation link /s/<token>: 256 bits, base64url, unguessable without the secret. */
export function deriveInvitationToken(secret: Buffer, waveId: number, dslId: string): string {
  return crypto.createHmac('sha256', secret).update(`dslkit-invitation:v1:${waveId}:${dslId}`).digest('base64url');
}

/** What the database stores and looks tokens up by. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check before any lookup: 43 base64url characters. */
export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
