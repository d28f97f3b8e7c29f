// Session-form tokens: derived from the server secret by HMAC (like invitation tokens, in their own namespace) so links can be
// printed again for the supervisor's pages and the mail merge; only their SHA-256 is stored (hashToken in invitation-tokens.ts).
import crypto from 'node:crypto';

/** The token in a session-form link /s/<token>: 256 bits, base64url; the same shape as an invitation token. */
export function deriveSessionFormToken(secret: Buffer, sessionId: number, dslId: string, instrument: string): string {
  return crypto.createHmac('sha256', secret).update(`dslkit-session-form:v1:${sessionId}:${dslId}:${instrument}`).digest('base64url');
}
