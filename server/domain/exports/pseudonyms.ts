// Pseudonymous school ids for exports: derived from the server secret and the trial, so an export never carries a URN and the same school keeps its id across exports of one trial.
import crypto from 'node:crypto';

const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** 'sch-' and 10 characters (50 bits) of HMAC-SHA256(secret, trial and URN). */
export function schoolPseudonym(secret: Buffer, trialId: string, urn: number): string {
  const mac = crypto.createHmac('sha256', secret).update(`dslkit-school:v1:${trialId}:${urn}`).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[mac[i] % 32];
  return `sch-${out}`;
}
