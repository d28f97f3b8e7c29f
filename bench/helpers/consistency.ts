// Checks a database after a crash: every acknowledged submission stored exactly once and complete with scores, no half-written response, integrity 'ok'.
import type { Db } from '../../server/storage/db';
import { hashToken } from '../../server/domain/invitation-tokens';

export interface ConsistencyReport {
  integrity: string;
  /** Acknowledged (2xx) tokens whose response is missing, duplicated, not complete, or lacks its submit snapshot or scores. */
  lostOrBroken: { token: string; problem: string }[];
  /** Responses anywhere in the file whose parts disagree (complete without snapshot/scores, snapshot without complete, ...). */
  inconsistent: { responseId: number; problem: string }[];
  completeResponses: number;
}

interface ResponseFacts { id: number; status: string; submitted_at: string | null; submits: number; scores: number }

/** Looks at the database as it is now; `expectedScales` is the number of scores rows a complete response has. */
export function checkConsistency(db: Db, acknowledgedTokens: string[], expectedScales: number): ConsistencyReport {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  const facts = db.prepare(`SELECT r.id, r.status, r.submitted_at,
      (SELECT count(*) FROM response_snapshots s WHERE s.response_id = r.id AND s.kind = 'submit') AS submits,
      (SELECT count(*) FROM scores c WHERE c.response_id = r.id) AS scores
    FROM responses r WHERE r.invitation_id = ?`);
  const invitationOf = db.prepare('SELECT id FROM invitations WHERE token_hash = ?');
  const lostOrBroken: ConsistencyReport['lostOrBroken'] = [];
  for (const token of acknowledgedTokens) {
    const inv = invitationOf.get(hashToken(token)) as { id: number } | undefined;
    if (!inv) { lostOrBroken.push({ token, problem: 'no invitation for this token' }); continue; }
    const rows = facts.all(inv.id) as ResponseFacts[];
    if (rows.length !== 1) { lostOrBroken.push({ token, problem: `${rows.length} responses stored` }); continue; }
    const r = rows[0];
    if (r.status !== 'complete' || !r.submitted_at) lostOrBroken.push({ token, problem: `status ${r.status}` });
    else if (r.submits !== 1) lostOrBroken.push({ token, problem: `${r.submits} submit snapshots` });
    else if (r.scores !== expectedScales) lostOrBroken.push({ token, problem: `${r.scores} scores, expected ${expectedScales}` });
  }
  const all = db.prepare(`SELECT r.id, r.status, r.submitted_at,
      (SELECT count(*) FROM response_snapshots s WHERE s.response_id = r.id AND s.kind = 'submit') AS submits,
      (SELECT count(*) FROM scores c WHERE c.response_id = r.id) AS scores
    FROM responses r WHERE r.invitation_id IS NOT NULL`).all() as ResponseFacts[];
  const inconsistent: ConsistencyReport['inconsistent'] = [];
  for (const r of all) {
    if (r.status === 'complete' && (r.submits !== 1 || r.scores !== expectedScales || !r.submitted_at)) inconsistent.push({ responseId: r.id, problem: `complete with ${r.submits} submit snapshots and ${r.scores} scores` });
    if (r.status !== 'complete' && (r.submits > 0 || r.scores > 0)) inconsistent.push({ responseId: r.id, problem: `${r.status} but has ${r.submits} submit snapshots and ${r.scores} scores` });
  }
  return { integrity, lostOrBroken, inconsistent, completeResponses: all.filter((r) => r.status === 'complete').length };
}
