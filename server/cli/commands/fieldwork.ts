// `dslkit fieldwork --trial <id> --wave <name> [--by arm|la|school] [--json]`: response rates of a wave (with partials) and where its messages stand.
import { UsageError, flag, requiredString, stringOption, type CliCommand, type CliContext } from '../command';
import { ValidationError } from '../../../shared/errors';
import { requireTrial } from '../../storage/trial-repo';
import { getWave } from '../../storage/wave-repo';
import { fieldworkBySchool } from '../../storage/fieldwork-repo';
import { messageTotals } from '../../storage/outbox-repo';
import { percent, rollUp, withRate } from '../../domain/fieldwork/response-rates';

const groupings = ['wave', 'arm', 'la', 'school'] as const;
type Grouping = (typeof groupings)[number];

function run(ctx: CliContext): number {
  const db = ctx.openDb();
  const trial = requireTrial(db, requiredString(ctx, 'trial'));
  const waveName = requiredString(ctx, 'wave');
  const wave = getWave(db, trial.id, waveName);
  if (!wave) throw new ValidationError(`trial "${trial.id}" has no ${waveName} wave`);
  const by = (stringOption(ctx, 'by') ?? 'arm') as Grouping;
  if (!groupings.includes(by)) throw new UsageError(`--by "${by}" must be one of ${groupings.join(', ')}`);

  const schools = fieldworkBySchool(db, trial.id, wave.id);
  const rows = by === 'school'
    ? schools.map((r) => withRate({ arm: r.arm, laCode: r.laCode, laName: r.laName, urn: r.urn, school: r.schoolName, invited: r.invited, partial: r.partial, complete: r.complete, paper: r.paper, optedOut: r.optedOut }))
    : by === 'la' ? rollUp(schools, (r) => `${r.arm}|${r.laCode}`, (r) => ({ arm: r.arm, laCode: r.laCode, laName: r.laName }))
      : by === 'arm' ? rollUp(schools, (r) => r.arm, (r) => ({ arm: r.arm })) : rollUp(schools, () => 'all', () => ({}));
  const messages = messageTotals(db, trial.id).filter((m) => m.waveId === wave.id).map(({ kind, status, count }) => ({ kind, status, count }));

  if (flag(ctx, 'json')) {
    ctx.io.stdout(`${JSON.stringify({ trial: trial.id, wave: wave.name, closes: wave.closesAt, by, rows, messages }, null, 2)}\n`);
    return 0;
  }
  const label = (r: Record<string, unknown>) => [r.arm, r.laCode ? `${r.laName} (${r.laCode})` : '', r.urn ? `${r.school} (${r.urn})` : ''].filter(Boolean).join('  ') || 'all';
  ctx.io.stdout(`${trial.id} ${wave.name} (closes ${wave.closesAt.slice(0, 10)}), by ${by}: invited, not started, partial, complete, response rate\n`);
  for (const r of rows) ctx.io.stdout(`${label(r as unknown as Record<string, unknown>)}\t${r.invited}\t${r.notStarted}\t${r.partial}\t${r.complete}\t${percent(r.rate)}\n`);
  const paper = schools.reduce((n, r) => n + r.paper, 0);
  if (paper) ctx.io.stdout(`of the complete, ${paper} ${paper === 1 ? 'is a paper return' : 'are paper returns'} (dslkit import responses)\n`);
  if (messages.length) ctx.io.stdout(`messages: ${messages.map((m) => `${m.kind} ${m.status} ${m.count}`).join(', ')}\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'fieldwork',
  summary: 'response rates of a wave by arm, LA or school (with partials), and where its messages stand',
  usage: 'fieldwork --trial <id> --wave baseline|midpoint|endline [--by wave|arm|la|school] [--json]',
  description: `
Counts the active DSLs invited to the wave, how many have not started, saved part of the survey, or completed it,
and the response rate (complete / invited), grouped as asked (default by arm). --by school lists every school with its
arm and LA, and how many of its DSLs opted out of reminders. The messages line counts the wave's messages by kind and
state (queued, sent, delivered, bounced, failed, not sent, uncertain). Paper returns typed in with dslkit import responses
count as complete; "paper" (in --json, and a line of its own) says how many of the complete they are. --json prints the same as JSON.`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'wave', type: 'string', valueName: '<name>', description: 'baseline, midpoint or endline' },
    { name: 'by', type: 'string', valueName: '<grouping>', description: 'wave, arm (default), la or school' },
    { name: 'json', type: 'boolean', description: 'print JSON' },
  ],
  usesDb: true,
  run,
};
