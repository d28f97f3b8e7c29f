// The demo's staff accounts (evaluator, supervisor, LA officer) with random passwords made at seed time, and the text that tells a newcomer how to sign in.
import crypto from 'node:crypto';
import type { Db } from '../../storage/db';
import type { Role, StaffUser } from '../auth/roles';
import { generatePassword, hashPasswordSync } from '../auth/password';
import { upsertDemoUser } from '../../storage/demo-repo';

/** One demo account as printed once to the operator (the password is never stored in clear). */
export interface DemoAccount { role: Role; email: string; name: string; laCode: string | null; password: string; what: string }

export interface DemoAccounts { evaluator: StaffUser; supervisor: StaffUser; officer: StaffUser; printable: DemoAccount[] }

/** The accounts: addresses in the reserved .invalid domain, so no mail can ever reach anyone. */
export function demoAccountSpecs(laCode: string): Array<Omit<DemoAccount, 'password'> & { key: 'evaluator' | 'supervisor' | 'officer' }> {
  return [
    { key: 'evaluator', role: 'admin', email: 'evaluator@demo.invalid', name: 'Demo Evaluator', laCode: null, what: 'administrator and evaluator: every trial and programme, the audit log, staff accounts' },
    { key: 'supervisor', role: 'supervisor', email: 'supervisor@demo.invalid', name: 'Demo Supervisor', laCode: null, what: 'supervising social worker: the demo intervention schools and the demo programme settings' },
    { key: 'officer', role: 'la_officer', email: 'officer@demo.invalid', name: 'Demo LA Officer', laCode, what: `local authority officer for ${laCode}: its dashboard and programme` },
  ];
}

/**
 * Creates (or, after a reset, re-keys) the demo accounts with new random passwords. Passwords and salts come from
 * `randomBytes` (never from the demo's seeded generator, and never a fixed string), so they differ on every seeding.
 */
export function seedDemoAccounts(db: Db, laCode: string, at: string, randomBytes: (n: number) => Buffer = crypto.randomBytes): DemoAccounts {
  const made: Partial<Record<'evaluator' | 'supervisor' | 'officer', StaffUser>> = {};
  const printable: DemoAccount[] = [];
  for (const spec of demoAccountSpecs(laCode)) {
    const password = generatePassword(randomBytes);
    const { key, ...account } = spec;
    made[key] = upsertDemoUser(db, { email: spec.email, name: spec.name, role: spec.role, laCode: spec.laCode, passwordHash: hashPasswordSync(password, randomBytes(16)) }, { actor: 'system:demo', at });
    printable.push({ ...account, password });
  }
  return { evaluator: made.evaluator!, supervisor: made.supervisor!, officer: made.officer!, printable };
}

/** The accounts as plain text: printed once when the demo is seeded and written to demo-accounts.txt beside the database. */
export function formatDemoAccounts(accounts: DemoAccount[], signInUrl: string): string {
  const lines = [
    'dslkit demo staff accounts (synthetic demo data only; new passwords are made each time the demo is seeded or reset)',
    `Sign in at ${signInUrl}`,
    '',
    ...accounts.flatMap((a) => [`  ${a.email}`, `    password: ${a.password}`, `    ${a.what}`]),
    '',
  ];
  return lines.join('\n');
}
