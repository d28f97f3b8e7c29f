// Opt-out tokens: the capability in a message's "stop reminders" link, derived from the server secret like invitation tokens and stored only hashed.
import crypto from 'node:crypto';

/** The token in /o/<token>: 256 bits, base64url, one per DSL (the same in every message to them). */
export function deriveOptOutToken(secret: Buffer, dslId: string): string {
  return crypto.createHmac('sha256', secret).update(`dslkit-opt-out:v1:${dslId}`).digest('base64url');
}
