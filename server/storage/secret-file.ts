// Reads the server secret (32 random bytes, hex) from its file, creating it with owner-only permissions on first use (development) or only through `dslkit secret init` (production).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../shared/errors';

function readSecret(file: string): Buffer {
  const hex = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new ValidationError(`${file} is not a dslkit secret (64 hex characters expected)`);
  return Buffer.from(hex, 'hex');
}

/** Writes a new secret to `file` (mode 0600); refuses to replace an existing one, which would break every invitation link printed so far. */
export function createSecretFile(file: string): Buffer {
  if (fs.existsSync(file)) throw new ValidationError(`${file} already exists: dslkit never replaces a secret (every invitation link printed so far is derived from it)`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32);
  fs.writeFileSync(file, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Reads an existing secret; a missing or unreadable file is one sentence saying how to make one. */
export function loadExistingSecret(file: string): Buffer {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ValidationError(missing
      ? `dslkit needs the secret file ${file}, which does not exist: create it once with "dslkit secret init" (or set DSLKIT_SECRET_FILE to the existing one), and back it up with the database.`
      : `dslkit cannot read the secret file ${file}: give the service user read access to it (mode 0600, owned by that user).`);
  }
  return readSecret(file);
}

/** True when `file` can still be read and holds `secret` (readiness: a deleted or replaced secret file would lose every link at the next restart). */
export function secretFileHolds(file: string, secret: Buffer): boolean {
  try { return readSecret(file).equals(secret); } catch { return false; }
}

/** Development: reads the secret, creating it on first use. Production passes create: false and gets loadExistingSecret's refusal instead. */
export function loadOrCreateSecret(file: string, options: { create?: boolean } = {}): Buffer {
  if (fs.existsSync(file)) return readSecret(file);
  if (options.create === false) return loadExistingSecret(file);
  return createSecretFile(file);
}

/** The secret file the server uses for a database: DSLKIT_SECRET_FILE when set (as config.ts reads it), else secret.key beside the database. */
export function secretFileFor(dbPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DSLKIT_SECRET_FILE ?? path.join(path.dirname(path.resolve(dbPath)), 'secret.key'));
}
