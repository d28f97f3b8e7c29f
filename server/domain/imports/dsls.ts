// Validates a DSL roster CSV (URN, Name, Email, Role) and makes pseudonymous DSL ids; pure, no storage.
import type { CsvTable } from '../csv';
import type { FieldProblem } from '../../../shared/errors';
import { byLine, RowChecker } from './fields';

export const DSL_COLUMNS = ['URN', 'Name', 'Email', 'Role'] as const;
/** Roles stored (lower case). Common spellings are mapped onto them; anything else is an error naming these. */
export const DSL_ROLES = ['headteacher', 'deputy headteacher', 'assistant headteacher', 'pastoral manager', 'senco', 'teacher', 'other'] as const;
const ROLE_ALIASES: Record<string, string> = {
  head: 'headteacher', 'head teacher': 'headteacher', 'executive headteacher': 'headteacher', principal: 'headteacher',
  deputy: 'deputy headteacher', 'deputy head': 'deputy headteacher', 'deputy head teacher': 'deputy headteacher',
  'assistant head': 'assistant headteacher', 'assistant head teacher': 'assistant headteacher',
  'pastoral lead': 'pastoral manager', 'pastoral': 'pastoral manager', 'learning mentor': 'pastoral manager',
  'inclusion manager': 'pastoral manager', 'class teacher': 'teacher',
};

export interface DslRecord { line: number; urn: number; name: string; email: string; role: string | null }

/** A plain check of an email's shape (local@domain.tld, no spaces); the roster is typed by people. */
export function looksLikeEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[A-Za-z]{2,}$/.test(s);
}

export function normaliseRole(raw: string): string | undefined {
  const r = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if ((DSL_ROLES as readonly string[]).includes(r)) return r;
  // own keys only: "__proto__" or "constructor" in a roster is not a role (it would read Object.prototype)
  return Object.prototype.hasOwnProperty.call(ROLE_ALIASES, r) ? ROLE_ALIASES[r] : undefined;
}

/**
 * Checks every roster row. The identity of a DSL is (trial, URN, lower-cased email), so the same
 * URN and email twice in one file is an error. Emails are stored lower-cased. Blank Role is allowed.
 */
export function validateDslRows(table: CsvTable): { dsls: DslRecord[]; problems: FieldProblem[] } {
  const check = new RowChecker();
  const dsls: DslRecord[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const before = check.problems.length;
    const urn = check.integer(row, 'URN', { required: true, min: 1, max: 99999999, what: 'a positive whole number' });
    const name = check.text(row, 'Name', { required: true });
    const rawEmail = check.text(row, 'Email', { required: true, maxLength: 254 });
    const email = rawEmail?.toLowerCase() ?? null;
    if (rawEmail !== null && !looksLikeEmail(rawEmail)) check.problem(row, 'Email', `"${rawEmail}" is not an email address`);
    const rawRole = row.values.Role ?? '';
    const role = rawRole === '' ? null : normaliseRole(rawRole) ?? null;
    if (rawRole !== '' && role === null) check.problem(row, 'Role', `"${rawRole}" is not a known role (use one of: ${DSL_ROLES.join(', ')})`);
    if (urn !== null && email !== null) {
      const key = `${urn}\u0000${email}`;
      if (seen.has(key)) check.problem(row, 'Email', `"${rawEmail}" at URN ${urn} also appears on line ${seen.get(key)}`);
      else seen.set(key, row.line);
    }
    if (check.problems.length === before) dsls.push({ line: row.line, urn: urn!, name: name!, email: email!, role });
  }
  return { dsls, problems: byLine(check.problems) };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A pseudonymous DSL id: 'dsl-' + 10 base32 characters (50 random bits) from the given random bytes. */
export function newDslId(randomBytes: (n: number) => Buffer): string {
  const bytes = randomBytes(10);
  let s = 'dsl-';
  for (let i = 0; i < 10; i += 1) s += BASE32[bytes[i] & 31];
  return s;
}
