// Appends to and reads the audit log (who did what sensitive thing, when). Never stores tokens or personal data.
import type { Db } from './db';

export interface AuditEntry { id: number; at: string; actor: string; action: string; trial_id: string | null; detail: Record<string, unknown> }

export function appendAudit(db: Db, entry: { at: string; actor: string; action: string; trialId?: string | null; detail?: Record<string, unknown> }): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, trial_id, detail) VALUES (?, ?, ?, ?, ?)')
    .run(entry.at, entry.actor, entry.action, entry.trialId ?? null, JSON.stringify(entry.detail ?? {}));
}

export function readAudit(db: Db, filter: { trialId?: string; limit?: number } = {}): AuditEntry[] {
  const rows = filter.trialId
    ? db.prepare('SELECT * FROM audit_log WHERE trial_id = ? ORDER BY id DESC LIMIT ?').all(filter.trialId, filter.limit ?? 500)
    : db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(filter.limit ?? 500);
  return (rows as Array<Omit<AuditEntry, 'detail'> & { detail: string }>).map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
}

export interface AuditFilter { trialId?: string; action?: string; actor?: string }

function where(filter: AuditFilter): { sql: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  if (filter.trialId) { parts.push('trial_id = ?'); args.push(filter.trialId); }
  if (filter.action) { parts.push('action = ?'); args.push(filter.action); }
  if (filter.actor) { parts.push('actor = ?'); args.push(filter.actor); }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

/** One page of the log, newest first, with the number of entries the filter matches. */
export function readAuditPage(db: Db, filter: AuditFilter, page: number, pageSize: number): { entries: AuditEntry[]; total: number } {
  const w = where(filter);
  const total = (db.prepare(`SELECT count(*) AS n FROM audit_log ${w.sql}`).get(...w.args) as { n: number }).n;
  const rows = db.prepare(`SELECT * FROM audit_log ${w.sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`).all(...w.args, pageSize, (page - 1) * pageSize);
  return { entries: (rows as Array<Omit<AuditEntry, 'detail'> & { detail: string }>).map((r) => ({ ...r, detail: JSON.parse(r.detail) })), total };
}

/** The distinct actions, actors and trials in the log (for the filter lists). */
export function auditFacets(db: Db): { actions: string[]; actors: string[]; trials: string[] } {
  const col = (c: string) => (db.prepare(`SELECT DISTINCT ${c} AS v FROM audit_log WHERE ${c} IS NOT NULL ORDER BY ${c}`).all() as Array<{ v: string }>).map((r) => r.v);
  return { actions: col('action'), actors: col('actor'), trials: col('trial_id') };
}
