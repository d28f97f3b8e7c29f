// Password hashing with scrypt (N=2^15, r=8, p=1, 16-byte per-user salt, 64-byte key) and constant-time verification.
import crypto from 'node:crypto';
import { ValidationError } from '../../../shared/errors';

const params = { N: 2 ** 15, r: 8, p: 1, keylen: 64 } as const;
const maxmem = 64 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFKC'), salt, keylen, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Rejects passwords a staff account must not have (too short, too long). */
export function checkPasswordRules(password: string): void {
  if (password.length < 12) throw new ValidationError('The password must be at least 12 characters long.');
  if (password.length > 256) throw new ValidationError('The password must be at most 256 characters long.');
}

/** Hashes a password; the result is self-describing: scrypt$N$r$p$salt$key (base64url). */
export async function hashPassword(password: string, salt: Buffer = crypto.randomBytes(16)): Promise<string> {
  const key = await scrypt(password, salt, params.N, params.r, params.p, params.keylen);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The same hash, computed synchronously (for seeding inside a synchronous transaction, e.g. the demo accounts). */
export function hashPasswordSync(password: string, salt: Buffer = crypto.randomBytes(16)): string {
  const key = crypto.scryptSync(password.normalize('NFKC'), salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when the password matches the stored hash (constant-time compare); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length < 32) return false;
  const actual = await scrypt(password, salt, N, r, p, expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

/** A hash of a random password, verified against when the email is unknown so timing does not reveal which emails exist. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(crypto.randomBytes(18).toString('base64url')));
}

/** A new random password to print once to the operator (18 bytes, base64url: 24 characters). */
export function generatePassword(randomBytes: (n: number) => Buffer = crypto.randomBytes): string {
  return randomBytes(18).toString('base64url');
}
