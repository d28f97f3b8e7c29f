// `dslkit invitations --trial <id> --sessions`: the mail merge of session-form links, one row per session, attending DSL and form
// (time log, preparation sheet); links are derived from the server secret like wave invitations and only their hashes are stored.
import fs from 'node:fs';
import { stringOption, type CliContext } from '../command';
import { ValidationError } from '../../../shared/errors';
import { toCsv } from '../../domain/csv';
import { loadConfig } from '../../config';
import { isIsoDate, requireTrial } from '../../storage/trial-repo';
import { issueSessionForms, listSessionFormRecipients } from '../../storage/session-form-repo';
import { loadOrCreateSecret, secretFileFor } from '../../storage/secret-file';
import { appendAudit } from '../../storage/audit-repo';
import { SESSION_FORM_LABEL } from '../../domain/session-forms/forms';

export const sessionMailMergeColumns = ['dsl_id', 'school_urn', 'school_name', 'name', 'email', 'session_id', 'session_date', 'session_kind', 'form', 'state', 'link'] as const;

export function runSessionInvitations(ctx: CliContext, trialId: string): number {
  const out = stringOption(ctx, 'out');
  const since = stringOption(ctx, 'since');
  if (since !== undefined && !isIsoDate(since)) throw new ValidationError(`--since "${since}" must be a date written YYYY-MM-DD`);
  const publicUrl = loadConfig(process.env).publicUrl;
  const db = ctx.openDb();
  const trial = requireTrial(db, trialId);
  const secret = loadOrCreateSecret(secretFileFor(ctx.dbPath));
  const recipients = listSessionFormRecipients(db, trial.id, { sinceHeldOn: since });
  const at = ctx.clock().toISOString();
  const sessionIds = [...new Set(recipients.map((r) => r.sessionId))];
  const forms = db.transaction(() => {
    const issued = issueSessionForms(db, secret, sessionIds, at);
    appendAudit(db, { at, actor: ctx.actor, action: 'invitations.sessions.export', trialId: trial.id, detail: { sessions: sessionIds.length, links: issued.length, since: since ?? null, toFile: Boolean(out) } });
    return issued;
  })();
  const byPair = new Map<string, typeof forms>();
  for (const f of forms) byPair.set(`${f.sessionId}:${f.dslId}`, [...(byPair.get(`${f.sessionId}:${f.dslId}`) ?? []), f]);
  const rows = recipients.flatMap((r) => (byPair.get(`${r.sessionId}:${r.dslId}`) ?? []).map((f) => ({
    dsl_id: r.dslId, school_urn: r.urn, school_name: r.schoolName, name: r.name, email: r.email, session_id: r.sessionId, session_date: r.heldOn,
    session_kind: r.kind, form: SESSION_FORM_LABEL[f.instrument], state: f.state === 'none' ? 'not started' : f.state === 'partial' ? 'started' : 'returned', link: `${publicUrl}/s/${f.token}`,
  })));
  const csv = toCsv(sessionMailMergeColumns, rows);
  if (out) {
    fs.writeFileSync(out, csv, { mode: 0o600 });
    ctx.io.stdout(`wrote ${rows.length} session-form link${rows.length === 1 ? '' : 's'} to ${out}\n`);
  } else ctx.io.stdout(csv);
  ctx.io.stderr(`${trial.id}: ${rows.length} session-form link${rows.length === 1 ? '' : 's'} for ${sessionIds.length} session${sessionIds.length === 1 ? '' : 's'}${since ? ` held on or after ${since}` : ''}\n`);
  return 0;
}
