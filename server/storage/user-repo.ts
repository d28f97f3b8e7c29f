// Staff accounts and supervisor school assignments: create, find, list, change role; every role change is audited by the caller's transaction.
import type { Db } from './db';
import type { Role, StaffUser } from '../domain/auth/roles';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { appendAudit } from './audit-repo';
import { supervisionRefusal } from '../domain/supervision/intervention-arm';
import { schoolArmFacts } from './allocation-arm-repo';

interface UserRow { id: number; email: string; name: string; role: Role; la_code: string | null; password_hash: string; disabled: number; created_at: string }

function toUser(r: UserRow): StaffUser {
  return { id: r.id, email: r.email, name: r.name, role: r.role, laCode: r.la_code };
}

export interface NewUser { email: string; name: string; role: Role; laCode: string | null; passwordHash: string }

/** Creates an account (audited as 'user.add'); ConflictError when the email is taken, ValidationError for an unknown LA. */
export function createUser(db: Db, user: NewUser, by: { actor: string; at: string }): StaffUser {
  if (user.role === 'la_officer' && !user.laCode) throw new ValidationError('An LA officer account needs --la <code>.');
  if (user.role !== 'la_officer' && user.laCode) throw new ValidationError('Only LA officer accounts belong to one LA; leave --la out.');
  if (user.laCode && !db.prepare('SELECT 1 FROM local_authorities WHERE code = ?').get(user.laCode)) {
    throw new ValidationError(`There is no local authority with code "${user.laCode}".`);
  }
  return db.transaction(() => {
    if (db.prepare('SELECT 1 FROM users WHERE email = ?').get(user.email)) throw new ConflictError(`An account for ${user.email} already exists.`);
    const info = db.prepare('INSERT INTO users (email, name, role, la_code, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(user.email, user.name, user.role, user.laCode, user.passwordHash, by.at);
    const id = Number(info.lastInsertRowid);
    appendAudit(db, { at: by.at, actor: by.actor, action: 'user.add', detail: { userId: id, role: user.role, laCode: user.laCode } });
    return { id, email: user.email, name: user.name, role: user.role, laCode: user.laCode };
  })();
}

/** Changes an account's role (audited as 'user.role'). */
export function changeRole(db: Db, userId: number, role: Role, laCode: string | null, by: { actor: string; at: string }): void {
  db.transaction(() => {
    const before = db.prepare('SELECT role, la_code FROM users WHERE id = ?').get(userId) as { role: Role; la_code: string | null } | undefined;
    if (!before) throw new NotFoundError('No such account.');
    db.prepare('UPDATE users SET role = ?, la_code = ? WHERE id = ?').run(role, laCode, userId);
    db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(userId);
    appendAudit(db, { at: by.at, actor: by.actor, action: 'user.role', detail: { userId, from: before.role, to: role, laCode } });
  })();
}

/** Disables or re-enables an account (audited); either way its sessions end. The last active administrator cannot be disabled. */
export function setDisabled(db: Db, userId: number, disabled: boolean, by: { actor: string; at: string }): void {
  db.transaction(() => {
    const u = db.prepare('SELECT role, disabled FROM users WHERE id = ?').get(userId) as { role: Role; disabled: number } | undefined;
    if (!u) throw new NotFoundError('No such account.');
    if (disabled && u.role === 'admin' && u.disabled === 0) {
      const admins = (db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
      if (admins <= 1) throw new ConflictError('That is the last active administrator: make another administrator first, or nobody could manage accounts.');
    }
    db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, userId);
    db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(userId);
    appendAudit(db, { at: by.at, actor: by.actor, action: disabled ? 'user.disable' : 'user.enable', detail: { userId } });
  })();
}

/** The account, its password hash and whether it is disabled, for sign-in only (which refuses a disabled one); undefined when unknown. */
export function findUserForLogin(db: Db, email: string): (StaffUser & { passwordHash: string; disabled: boolean }) | undefined {
  const r = db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined;
  return r ? { ...toUser(r), passwordHash: r.password_hash, disabled: r.disabled === 1 } : undefined;
}

export function findUserById(db: Db, id: number): StaffUser | undefined {
  const r = db.prepare('SELECT * FROM users WHERE id = ? AND disabled = 0').get(id) as UserRow | undefined;
  return r ? toUser(r) : undefined;
}

export function findUserByEmail(db: Db, email: string): StaffUser | undefined {
  const r = db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined;
  return r ? toUser(r) : undefined;
}

export function listUsers(db: Db): Array<StaffUser & { disabled: boolean; createdAt: string }> {
  return (db.prepare('SELECT * FROM users ORDER BY role, email').all() as UserRow[])
    .map((r) => ({ ...toUser(r), disabled: r.disabled === 1, createdAt: r.created_at }));
}

export function setPasswordHash(db: Db, userId: number, passwordHash: string, by: { actor: string; at: string }): void {
  db.transaction(() => {
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
    db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(userId);
    appendAudit(db, { at: by.at, actor: by.actor, action: 'user.password', detail: { userId } });
  })();
}

/** Assigns schools in a trial to a supervisor (audited as 'user.assign'). Every URN must be enrolled in the trial and, in a trial (not a programme), allocated to the intervention arm. */
export function assignSchools(db: Db, userId: number, trialId: string, urns: number[], by: { actor: string; at: string }): void {
  db.transaction(() => {
    const u = db.prepare('SELECT role FROM users WHERE id = ?').get(userId) as { role: Role } | undefined;
    if (!u) throw new NotFoundError('No such account.');
    if (u.role !== 'supervisor') throw new ValidationError('Only supervisor accounts are assigned schools.');
    if (!db.prepare('SELECT 1 FROM trials WHERE id = ?').get(trialId)) throw new NotFoundError(`There is no trial "${trialId}".`);
    const missing = urns.filter((urn) => !db.prepare('SELECT 1 FROM trial_schools WHERE trial_id = ? AND urn = ?').get(trialId, urn));
    if (missing.length) throw new ValidationError(`Not in trial "${trialId}": URN ${missing.join(', ')}.`);
    const refusals = urns.map((urn) => supervisionRefusal(schoolArmFacts(db, trialId, urn))).filter((r): r is string => r !== null);
    if (refusals.length) throw new ValidationError(`${refusals.join('\n')}\nNothing was assigned.`, refusals.map((detail) => ({ pointer: '/urn', detail })));
    const ins = db.prepare('INSERT OR IGNORE INTO supervisor_assignments (user_id, trial_id, urn) VALUES (?, ?, ?)');
    for (const urn of urns) ins.run(userId, trialId, urn);
    appendAudit(db, { at: by.at, actor: by.actor, action: 'user.assign', trialId, detail: { userId, urns } });
  })();
}

/** Removes schools from a supervisor (audited as 'user.unassign') and ends their sessions; every URN must be assigned to them in that trial. */
export function unassignSchools(db: Db, userId: number, trialId: string, urns: number[], by: { actor: string; at: string }): void {
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM users WHERE id = ?').get(userId)) throw new NotFoundError('No such account.');
    const missing = urns.filter((urn) => !db.prepare('SELECT 1 FROM supervisor_assignments WHERE user_id = ? AND trial_id = ? AND urn = ?').get(userId, trialId, urn));
    if (missing.length) throw new ValidationError(`URN ${missing.join(', ')} is not assigned to this supervisor in trial "${trialId}"; nothing was removed.`, [{ pointer: '/urn', detail: `not assigned: ${missing.join(', ')}` }]);
    const del = db.prepare('DELETE FROM supervisor_assignments WHERE user_id = ? AND trial_id = ? AND urn = ?');
    for (const urn of urns) del.run(userId, trialId, urn);
    db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(userId);
    appendAudit(db, { at: by.at, actor: by.actor, action: 'user.unassign', trialId, detail: { userId, urns } });
  })();
}

/** The (trial, school) pairs a supervisor is assigned to. */
export function assignmentsOf(db: Db, userId: number): Array<{ trialId: string; urn: number }> {
  return (db.prepare('SELECT trial_id, urn FROM supervisor_assignments WHERE user_id = ? ORDER BY trial_id, urn').all(userId) as Array<{ trial_id: string; urn: number }>)
    .map((r) => ({ trialId: r.trial_id, urn: r.urn }));
}

/** Every supervisor's schools with their names, for the accounts page. */
export function supervisorSchools(db: Db): Array<{ userId: number; trialId: string; urn: number; schoolName: string }> {
  return db.prepare(`SELECT a.user_id AS userId, a.trial_id AS trialId, a.urn, s.name AS schoolName
    FROM supervisor_assignments a JOIN schools s ON s.urn = a.urn ORDER BY a.user_id, a.trial_id, s.name`).all() as Array<{ userId: number; trialId: string; urn: number; schoolName: string }>;
}
