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
