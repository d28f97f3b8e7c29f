// Staff sign-in sessions: stored by the SHA-256 of the cookie value, with the session's CSRF token and a sliding expiry.
import type { Db } from './db';

export interface AuthSessionRow { id_hash: string; user_id: number; csrf_token: string; created_at: string; expires_at: string }

export function createAuthSession(db: Db, s: { idHash: string; userId: number; csrfToken: string; createdAt: string; expiresAt: string }): void {
  db.prepare('INSERT INTO auth_sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
    .run(s.idHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt);
}

/** The session, or undefined when unknown. Callers check expires_at against their clock. */
export function findAuthSession(db: Db, idHash: string): AuthSessionRow | undefined {
  return db.prepare('SELECT * FROM auth_sessions WHERE id_hash = ?').get(idHash) as AuthSessionRow | undefined;
}

export function touchAuthSession(db: Db, idHash: string, expiresAt: string): void {
  db.prepare('UPDATE auth_sessions SET expires_at = ? WHERE id_hash = ?').run(expiresAt, idHash);
}

export function deleteAuthSession(db: Db, idHash: string): void {
  db.prepare('DELETE FROM auth_sessions WHERE id_hash = ?').run(idHash);
}

/** Removes every expired session (called at sign-in; cheap with few staff). */
export function deleteExpiredAuthSessions(db: Db, nowIso: string): void {
  db.prepare('DELETE FROM auth_sessions WHERE expires_at <= ?').run(nowIso);
}
