// After the demo is seeded (npm start on an empty database, `dslkit demo`): publishes the demo LA's dashboard and writes the demo accounts to <db folder>/demo-accounts.txt (mode 0600).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../storage/db';
import { DEMO_LA, type DemoSeedResult } from '../domain/demo/seed-demo';
import { formatDemoAccounts } from '../domain/demo/demo-accounts';
import { publishDashboard } from '../http/dashboards/dashboard-service';
import { writePrivateFile } from '../storage/private-files';

export const DEMO_ACCOUNTS_FILE = 'demo-accounts.txt';

/** Writes the accounts text beside the database, readable by its owner only; returns the file path. */
export function writeDemoAccountsFile(dbPath: string, text: string): string {
  const file = path.join(path.dirname(path.resolve(dbPath)), DEMO_ACCOUNTS_FILE);
  writePrivateFile(file, text);
  fs.chmodSync(file, 0o600); // the mode above applies only when the file is new
  return file;
}

/**
 * Publishes the demo LA's dashboard snapshot (so /dashboards/<code> shows it at once) and writes the accounts
 * file. Returns the text to print once: the accounts with their passwords and where the file is.
 */
export async function finishDemoSeed(db: Db, seeded: DemoSeedResult, o: { dbPath: string; publicUrl: string; clock: () => Date }): Promise<{ text: string; accountsFile: string }> {
  await publishDashboard(db, DEMO_LA.code, 'system:demo', o.clock());
  const text = formatDemoAccounts(seeded.accounts, `${o.publicUrl}/staff/login`);
  const accountsFile = writeDemoAccountsFile(o.dbPath, text);
  return { text: `${text}(also written to ${accountsFile}, readable only by you)\n`, accountsFile };
}
