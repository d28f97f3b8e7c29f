// What the server checks before it listens, each refusal one sentence: in production the client must be prebuilt, the database outside the code folder and writable, the secret file existing and readable.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config';
import { DslkitError } from '../../shared/errors';
import { openDatabase, probeWritable, type Db } from '../storage/db';
import { loadOrCreateSecret } from '../storage/secret-file';
import { clientDist } from '../http/respondent-pages';

/** A reason not to start; main.ts prints the message and exits 1. */
export class StartupRefused extends Error {}

/** The code folder (the repository root the server was built from). */
export const codeFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function inside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Production runs what `npm run build` made and never builds: the respondent client must be there. */
export function checkClientBuilt(config: Config): void {
  if (!config.production) return;
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) {
    throw new StartupRefused(`dslkit: the respondent client is not built (${path.join(clientDist, 'index.html')} is missing): run "npm run build" in ${codeFolder} before starting with NODE_ENV=production.`);
  }
}

/** Opens and migrates the database and proves it writable; production also keeps it out of the code folder. */
export function openWritableDatabase(config: Config): Db {
  if (config.production && inside(codeFolder, config.dbPath)) {
    throw new StartupRefused(`dslkit: DSLKIT_DB (${config.dbPath}) is inside the code folder ${codeFolder}; in production keep the database elsewhere, for example /var/lib/dslkit/dslkit.db.`);
  }
  let db: Db | undefined;
  try {
    db = openDatabase(config.dbPath);
    probeWritable(db);
    return db;
  } catch (err) {
    db?.close();
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new StartupRefused(`dslkit: cannot write the database ${config.dbPath} (${reason}): give the user the server runs as write access to the file and its folder (SQLite writes -wal and -shm files beside it), or set DSLKIT_DB.`);
  }
}

/** The server secret; production never creates one (`dslkit secret init` does, once). */
export function loadSecret(config: Config): Buffer {
  try {
    return loadOrCreateSecret(config.secretFile, { create: !config.production });
  } catch (err) {
    if (err instanceof DslkitError) throw new StartupRefused(err.message.startsWith('dslkit') ? err.message : `dslkit: ${err.message}.`);
    throw new StartupRefused(`dslkit: cannot read or create the secret file ${config.secretFile} (${(err as Error).message}).`);
  }
}
