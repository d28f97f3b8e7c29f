// `dslkit school status|list`: record a school's status in a trial (excluded, declined, withdrawn, attendance record missing, enrolled) with its date and reason, and list every school's status.
import { UsageError, flag, requiredString, type CliCommand, type CliContext } from '../command';
import { SCHOOL_STATUS_INPUTS, SCHOOL_STATUS_MEANING } from '../../domain/school-status/rules';
import { listSchoolStatuses, recordSchoolStatus } from '../../storage/school-status-repo';
import { requireTrial } from '../../storage/trial-repo';

function urnOption(ctx: CliContext): number {
  const raw = requiredString(ctx, 'urn');
  if (!/^\d{1,8}$/.test(raw.trim()) || Number(raw) < 1) throw new UsageError(`--urn "${raw}" must be a school's URN (a positive whole number)`);
  return Number(raw);
}

function status(ctx: CliContext): number {
  const db = ctx.openDb();
  const trialId = requiredString(ctx, 'trial');
  const r = recordSchoolStatus(db, trialId, urnOption(ctx), { status: requiredString(ctx, 'status'), date: requiredString(ctx, 'date'), reason: requiredString(ctx, 'reason') }, { actor: ctx.actor, at: ctx.clock().toISOString() });
  ctx.io.stdout(r.changed ? `URN ${r.urn} in ${trialId}: ${r.status} from ${r.date} (recorded in the audit log)\n` : `URN ${r.urn} in ${trialId} is already ${r.status} from ${r.date} for that reason: nothing changed\n`);
  return 0;
}

function list(ctx: CliContext): number {
  const db = ctx.openDb();
  const trial = requireTrial(db, requiredString(ctx, 'trial'));
  const rows = listSchoolStatuses(db, trial.id);
  if (flag(ctx, 'json')) { ctx.io.stdout(`${JSON.stringify(rows, null, 2)}\n`); return 0; }
  ctx.io.stdout('urn,arm,status,status_on,status_reason,attendance_missing_on,attendance_missing_reason\n');
  const cell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  for (const r of rows) ctx.io.stdout(`${[r.urn, r.arm, r.status, r.statusOn, r.statusReason, r.attendanceMissingOn, r.attendanceMissingReason].map(cell).join(',')}\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'school',
  summary: "record a school's status in a trial (excluded, declined, withdrawn, attendance record missing) or list them",
  usage: 'school status --trial <id> --urn <urn> --status <status> --date <YYYY-MM-DD> --reason <text>\n       dslkit school list --trial <id> [--json]',
  description: `
Statuses:
${SCHOOL_STATUS_INPUTS.map((s) => `  ${s.padEnd(19)}${SCHOOL_STATUS_MEANING[s]}`).join('\n')}
The arm-comparison report's CONSORT flow, attrition table and Table 5 use them. Each change is kept with its
date, reason and who recorded it, and audited; recording the same status, date and reason again changes nothing.`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'the trial' },
    { name: 'urn', type: 'string', valueName: '<urn>', description: "the school's URN" },
    { name: 'status', type: 'string', valueName: '<status>', description: SCHOOL_STATUS_INPUTS.join(', ') },
    { name: 'date', type: 'string', valueName: '<YYYY-MM-DD>', description: 'when the status took effect (not in the future)' },
    { name: 'reason', type: 'string', valueName: '<text>', description: 'why (shown in the report\'s CONSORT notes; at most 500 characters)' },
    { name: 'json', type: 'boolean', description: 'print JSON (list)' },
  ],
  usesDb: true,
  run(ctx) {
    const [sub, ...rest] = ctx.positionals;
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (sub === 'status') return status(ctx);
    if (sub === 'list') return list(ctx);
    throw new UsageError(sub ? `unknown school command "${sub}" (use status or list)` : 'say status or list');
  },
};
