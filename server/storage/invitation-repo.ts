// Creates invitations for a wave (tokens derived, hashes stored) and finds an invitation by its token.
import type { Db } from './db';
import { deriveInvitationToken, hashToken, looksLikeToken } from '../domain/invitation-tokens';

export interface IssuedInvitation { invitationId: number; dslId: string; token: string }

/** Creates (or re-derives) invitations for the given DSLs in one transaction; idempotent per (wave, DSL). */
export function issueInvitations(db: Db, secret: Buffer, waveId: number, dslIds: string[], at: string): IssuedInvitation[] {
  const insert = db.prepare('INSERT INTO invitations (wave_id, dsl_id, token_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (wave_id, dsl_id) DO NOTHING');
  const find = db.prepare('SELECT id FROM invitations WHERE wave_id = ? AND dsl_id = ?');
  return db.transaction(() => dslIds.map((dslId) => {
    const token = deriveInvitationToken(secret, waveId, dslId);
    insert.run(waveId, dslId, hashToken(token), at);
    const row = find.get(waveId, dslId) as { id: number };
    return { invitationId: row.id, dslId, token };
  }))();
}

/** The DSLs that already have an invitation to the wave (their links re-derive from the secret; nothing is created). */
export function invitedDslIds(db: Db, waveId: number): Set<string> {
  return new Set((db.prepare('SELECT dsl_id FROM invitations WHERE wave_id = ?').all(waveId) as Array<{ dsl_id: string }>).map((r) => r.dsl_id));
}

export interface InvitationRow { id: number; wave_id: number; dsl_id: string; trial_id: string; urn: number; dsl_status: string }

/** Looks an invitation up by token; undefined when the token is malformed or unknown (callers answer 404 either way). */
export function findInvitationByToken(db: Db, token: string): InvitationRow | undefined {
  if (!looksLikeToken(token)) return undefined;
  return db.prepare(`SELECT i.id, i.wave_id, i.dsl_id, d.trial_id, d.urn, d.status AS dsl_status
    FROM invitations i JOIN dsls d ON d.id = i.dsl_id WHERE i.token_hash = ?`).get(hashToken(token)) as InvitationRow | undefined;
}
