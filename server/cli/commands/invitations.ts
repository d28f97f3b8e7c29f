// `dslkit invitations --trial <id> --wave <name>`: invites every active DSL lacking an invitation and prints the mail-merge CSV of links (--sessions: session-form links).
import fs from 'node:fs';
import { UsageError, flag, requiredString, stringOption, type CliCommand, type CliContext } from '../command';
import { ValidationError } from '../../../shared/errors';
import { toCsv } from '../../domain/csv';
import { loadConfig } from '../../config';
import { requireTrial } from '../../storage/trial-repo';
import { findWaveByName, listInvitationRecipients } from '../../storage/survey-access-repo';
import { issueInvitations } from '../../storage/invitation-repo';
import { loadOrCreateSecret } from '../../storage/secret-file';
import { appendAudit } from '../../storage/audit-repo';
import { runSessionInvitations } from './session-invitations';
import { waveAudience } from '../../storage/wave-audience-repo';
import { audienceText } from '../../domain/waves/audience';
import { writePrivateFile } from '../../storage/private-files';

export const mailMergeColumns = ['dsl_id', 'school_urn', 'school_name', 'name', 'email', 'link'] as const;
const waveNames = ['baseline', 'midpoint', 'endline'];

function run(ctx: CliContext): number {
  const trialId = requiredString(ctx, 'trial');
  if (flag(ctx, 'sessions')) {
    if (stringOption(ctx, 'wave') !== undefined) throw new UsageError('give --wave for a survey wave or --sessions for session forms, not both');
    return runSessionInvitations(ctx, trialId);
  }
  const waveName = requiredString(ctx, 'wave');
  if (!waveNames.includes(waveName)) throw new UsageError(`--wave "${waveName}" must be one of ${waveNames.join(', ')}`);
  const out = stringOption(ctx, 'out');
  const config = loadConfig({ ...process.env, DSLKIT_DB: ctx.dbPath });
  const publicUrl = config.publicUrl;

  const db = ctx.openDb();
  const trial = requireTrial(db, trialId);
  const wave = findWaveByName(db, trial.id, waveName);
  if (!wave) throw new ValidationError(`trial "${trial.id}" has no ${waveName} wave (create it with dslkit wave create)`);
  const now = ctx.clock();
  if (now.getTime() >= Date.parse(wave.closesAt)) throw new ValidationError(`the ${waveName} wave of "${trial.id}" closed at ${wave.closesAt}; its links would not work`);

  const secret = loadOrCreateSecret(config.secretFile, { create: !config.production });
  const recipients = listInvitationRecipients(db, trial.id, wave.id);
  const fresh = recipients.filter((r) => !r.invited);
  const at = now.toISOString();
  // Issuing is idempotent per (wave, DSL): the existing DSLs' links are re-derived from the secret, never stored.
  const issued = db.transaction(() => {
    const tokens = issueInvitations(db, secret, wave.id, recipients.map((r) => r.dslId), at);
    appendAudit(db, { at, actor: ctx.actor, action: 'invitations.export', trialId: trial.id,
      detail: { wave: waveName, waveId: wave.id, newInvitations: fresh.length, exported: flag(ctx, 'new-only') ? fresh.length : recipients.length, toFile: Boolean(out) } });
    return new Map(tokens.map((t) => [t.dslId, t.token]));
  })();

  const rows = (flag(ctx, 'new-only') ? fresh : recipients).map((r) => ({
    dsl_id: r.dslId, school_urn: r.urn, school_name: r.schoolName, name: r.name, email: r.email, link: `${publicUrl}/s/${issued.get(r.dslId)}`,
  }));
  const csv = toCsv(mailMergeColumns, rows);
  if (out) {
    writePrivateFile(out, csv);
    ctx.io.stdout(`wrote ${rows.length} invitation link${rows.length === 1 ? '' : 's'} to ${out}\n`);
  } else {
    ctx.io.stdout(csv);
  }
  ctx.io.stderr(`${trial.id} ${waveName} (for ${audienceText(waveAudience(db, wave.id))}): ${fresh.length} new invitation${fresh.length === 1 ? '' : 's'}, ${recipients.length - fresh.length} already invited; links open until ${wave.closesAt}\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'invitations',
  summary: 'invite every active DSL in a trial to a wave and print the mail-merge CSV of survey links',
  usage: 'invitations --trial <id> --wave baseline|midpoint|endline [--out file.csv] [--new-only]\n       invitations --trial <id> --sessions [--since YYYY-MM-DD] [--out file.csv]',
  description: `Creates an invitation for each active DSL who lacks one for the wave (only the wave's arm and dosage, if dslkit wave create limited it), then prints a CSV for a mail merge:
dsl_id, school_urn, school_name, name, email, link. Links are ${'$'}DSLKIT_PUBLIC_URL/s/<token> (default http://localhost:3000).
Tokens are derived from the server secret beside the database (secret.key) and only their hashes are stored, so running
this again prints the same links. The CSV holds working links and contact details: keep it private and delete it after the mail merge.

With --sessions it prints instead the links of the forms that belong to supervision sessions: for every logged session and each
DSL who attended, their own DSL time log and (for introduction and formal sessions) preparation sheet, with columns
dsl_id, school_urn, school_name, name, email, session_id, session_date, session_kind, form, state, link. The supervisor's page
for each session shows the same links.

Example: dslkit invitations --trial bolton2025 --wave baseline --out baseline-links.csv
         dslkit invitations --trial bolton2025 --sessions --since 2025-10-01 --out session-links.csv`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'wave', type: 'string', valueName: '<name>', description: 'baseline, midpoint or endline' },
    { name: 'out', type: 'string', valueName: '<file.csv>', description: 'write the CSV to this file (default: standard output)' },
    { name: 'new-only', type: 'boolean', description: 'list only the DSLs invited by this run' },
    { name: 'sessions', type: 'boolean', description: 'print the session-form links (time log, preparation sheet) of every logged session instead of a wave' },
    { name: 'since', type: 'string', valueName: '<date>', description: 'with --sessions: only sessions held on or after this date' },
  ],
  usesDb: true,
  run,
};
