// Reads the server secret (32 random bytes, hex) from its file, creating it with owner-only permissions on first use.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function loadOrCreateSecret(file: string): Buffer {
  if (fs.existsSync(file)) {
    const hex = fs.readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is not a dslkit secret (64 hex characters expected)`);
    return Buffer.from(hex, 'hex');
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32);
  fs.writeFileSync(file, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

/** The secret file the server uses for a database: DSLKIT_SECRET_FILE when set (as config.ts reads it), else secret.key beside the database. */
export function secretFileFor(dbPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DSLKIT_SECRET_FILE ?? path.join(path.dirname(path.resolve(dbPath)), 'secret.key'));
}
