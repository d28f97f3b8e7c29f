// `dslkit trial create|set|list|show|start-page`: set up a trial (or a programme outside a trial), change its supervision settings, look at it, and set the text of its respondents' start page.
import { UsageError, flag, listOption, numberOption, requiredString, stringOption, type CliCommand, type CliContext } from '../command';
import { intervalText, parseIntervalWeeks, parseTopics } from '../../domain/supervision/trial-settings';
import { trialTopics, updateSupervisionSettings } from '../../storage/trial-settings-repo';
import { createTrial, getTrial, listTrials, trialCounts, type TrialKind, type TrialUnit } from '../../storage/trial-repo';
import { getRandomisation } from '../../storage/allocation-repo';
import { listWaves } from '../../storage/wave-repo';
import { listSchoolsInTrial } from '../../storage/school-repo';
import { NotFoundError } from '../../../shared/errors';
import { checkStartPageText, labels as startPageLabels } from '../../domain/surveys/start-page';
import { getStartPageText, setStartPageText } from '../../storage/start-page-repo';
import { appendAudit } from '../../storage/audit-repo';

function intervalOption(ctx: CliContext): [number, number] | undefined {
  const raw = stringOption(ctx, 'interval-weeks');
  if (raw === undefined) return undefined;
  const { weeks, problem } = parseIntervalWeeks(raw);
  if (!weeks) throw new UsageError(`--interval-weeks: ${problem}`);
  return weeks;
}

function create(ctx: CliContext): number {
  const unit = stringOption(ctx, 'unit') ?? 'school';
  const kind = stringOption(ctx, 'kind') ?? 'trial';
  if (unit !== 'school' && unit !== 'local_authority') throw new UsageError(`--unit "${unit}" must be school or local_authority`);
  if (kind !== 'trial' && kind !== 'programme') throw new UsageError(`--kind "${kind}" must be trial or programme`);
  const t = createTrial(ctx.openDb(), {
    id: requiredString(ctx, 'id'), title: requiredString(ctx, 'title'), unit: unit as TrialUnit, kind: kind as TrialKind,
    sessionsIntended: numberOption(ctx, 'sessions-intended', { integer: true, min: 0, max: 50 }) ?? null,
    retentionUntil: stringOption(ctx, 'retention-until') ?? null, startsOn: stringOption(ctx, 'starts-on') ?? null,
    endsOn: stringOption(ctx, 'ends-on') ?? null, createdAt: ctx.clock().toISOString(), sessionIntervalWeeks: intervalOption(ctx),
  });
  ctx.io.stdout(`created ${t.kind} "${t.id}" (${t.title}), unit of randomisation: ${t.unit}\n`);
  return 0;
}

/** `trial set <id>`: change the supervision settings (sessions intended, interval, intervention end date, topics). */
function set(ctx: CliContext, id: string | undefined): number {
  if (!id) throw new UsageError('name the trial: dslkit trial set <id> --interval-weeks 4 ...');
  const topicEntries = listOption(ctx, 'topic');
  const parsed = parseTopics(topicEntries);
  if (parsed.problems.length) throw new UsageError(`--topic: ${parsed.problems[0]}`);
  const settings = {
    ...(stringOption(ctx, 'sessions-intended') !== undefined ? { sessionsIntended: numberOption(ctx, 'sessions-intended', { integer: true, min: 0, max: 50 }) } : {}),
    ...(stringOption(ctx, 'interval-weeks') !== undefined ? { intervalWeeks: intervalOption(ctx) } : {}),
    ...(stringOption(ctx, 'ends-on') !== undefined ? { endsOn: stringOption(ctx, 'ends-on') } : {}),
    ...(topicEntries.length ? { topics: parsed.topics } : {}),
  };
  if (!Object.keys(settings).length) throw new UsageError('give at least one of --sessions-intended, --interval-weeks, --ends-on, --topic');
  const db = ctx.openDb();
  updateSupervisionSettings(db, id, settings, { actor: ctx.actor, at: ctx.clock().toISOString() });
  const t = getTrial(db, id)!;
  ctx.io.stdout(`${t.id}: ${t.sessionsIntended ?? 'no'} formal sessions intended after the introduction, ${intervalText(t.sessionIntervalWeeks)}, until ${t.endsOn ?? 'no end date'}; topics: ${trialTopics(db, id).map((x) => x.label).join('; ') || 'none'}\n`);
  return 0;
}

function list(ctx: CliContext): number {
  const db = ctx.openDb();
  const trials = listTrials(db);
  if (flag(ctx, 'json')) { ctx.io.stdout(`${JSON.stringify(trials.map((t) => ({ ...t, ...trialCounts(db, t.id) })), null, 2)}\n`); return 0; }
  if (!trials.length) { ctx.io.stdout('no trials yet (dslkit trial create --id <id> --title <title>)\n'); return 0; }
  for (const t of trials) {
    const c = trialCounts(db, t.id);
    ctx.io.stdout(`${t.id.padEnd(20)} ${t.status.padEnd(10)} ${String(c.schools).padStart(5)} schools ${String(c.dsls).padStart(5)} DSLs  ${t.title}${t.isDemo ? ' [demo]' : ''}\n`);
  }
  return 0;
}

function show(ctx: CliContext, id: string | undefined): number {
  if (!id) throw new UsageError('name the trial: dslkit trial show <id>');
  const db = ctx.openDb();
  const t = getTrial(db, id);
  if (!t) throw new NotFoundError(`no trial "${id}" (dslkit trial list shows the trials)`);
  const c = trialCounts(db, id);
  const r = getRandomisation(db, id);
  const waves = listWaves(db, id);
  const schools = listSchoolsInTrial(db, id);
  const arms = { control: schools.filter((s) => s.arm === 'control').length, intervention: schools.filter((s) => s.arm === 'intervention').length };
  if (flag(ctx, 'json')) { ctx.io.stdout(`${JSON.stringify({ trial: t, counts: c, randomisation: r ?? null, arms, waves }, null, 2)}\n`); return 0; }
  const lines = [
    `${t.id}: ${t.title}${t.isDemo ? ' [demo, synthetic data]' : ''}`,
    `  kind ${t.kind}, unit ${t.unit}, status ${t.status}, created ${t.createdAt}`,
    `  sessions intended: ${t.sessionsIntended ?? 'not set'}, ${intervalText(t.sessionIntervalWeeks)}; runs ${t.startsOn ?? '?'} to ${t.endsOn ?? '?'}; personal data kept until ${t.retentionUntil ?? 'not set'}`,
    `  session topics: ${trialTopics(db, id).map((x) => `${x.code} (${x.label})`).join(', ') || 'none set (dslkit trial set --topic code=Label)'}`,
    `  ${c.schools} schools enrolled, ${c.dsls} DSLs`,
    r ? `  randomised ${r.createdAt} by ${r.createdBy}: ${r.method} (${r.algorithmVersion}), seed ${r.seed}, strata [${r.strata.join(', ')}]${r.cluster ? `, clusters ${r.cluster}` : ''}; input SHA-256 ${r.inputSha256}`
      : '  not randomised yet',
    ...(r ? [`  arms: ${arms.intervention} intervention, ${arms.control} control`] : []),
    ...(waves.length ? waves.map((w) => `  wave ${w.name}: ${w.opensAt} to ${w.closesAt}: ${w.instruments.join(', ')}`) : ['  no waves yet']),
  ];
  ctx.io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** `trial start-page <id>`: prints the start page's trial-specific text, or sets it from the options (all of them, checked, audited). */
function startPage(ctx: CliContext, id: string | undefined): number {
  if (!id) throw new UsageError('name the trial: dslkit trial start-page <id> [--run-by ... --contact ... --privacy-url https://... --purpose ...]');
  const db = ctx.openDb();
  if (!getTrial(db, id)) throw new NotFoundError(`no trial "${id}" (dslkit trial list shows the trials)`);
  const given = { runBy: stringOption(ctx, 'run-by'), purpose: stringOption(ctx, 'purpose'), contact: stringOption(ctx, 'contact'), privacyUrl: stringOption(ctx, 'privacy-url') };
  if (Object.values(given).every((v) => v === undefined)) {
    const t = getStartPageText(db, id);
    if (!t) { ctx.io.stdout(`trial "${id}" has no start-page text yet: the start page names the trial and asks DSLs to reply to their invitation email\n`); return 0; }
    for (const key of ['runBy', 'purpose', 'contact', 'privacyUrl'] as const) ctx.io.stdout(`${startPageLabels[key]}: ${t[key] || '(not set)'}\n`);
    ctx.io.stdout(`set ${t.updatedAt} by ${t.updatedBy}\n`);
    return 0;
  }
  const text = checkStartPageText(given);
  const at = ctx.clock().toISOString();
  db.transaction(() => {
    setStartPageText(db, id, text, at, ctx.actor);
    appendAudit(db, { at, actor: ctx.actor, action: 'trial.start-page', trialId: id, detail: { privacyUrl: text.privacyUrl } });
  })();
  ctx.io.stdout(`set the start page text of trial "${id}"\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'trial',
  summary: 'create a trial, change its supervision settings, list trials, show one, set its respondents\' start page',
  usage: 'trial create --id <id> --title <title> [--unit school|local_authority] [--kind trial|programme] [--sessions-intended 3] [--interval-weeks 4-6] [--retention-until YYYY-MM-DD]\n       dslkit trial set <id> [--sessions-intended n] [--interval-weeks 4] [--ends-on YYYY-MM-DD] [--topic code=Label ...]\n       dslkit trial list [--json]\n       dslkit trial show <id> [--json]\n       dslkit trial start-page <id> [--run-by <text> --contact <text> --privacy-url <https url> [--purpose <text>]]',
  description: `
A trial's id is 1-40 lower-case letters, digits or hyphens. --unit local_authority randomises whole
local authorities. --kind programme records a traded programme outside a trial (no randomisation).
--sessions-intended is the number of formal supervision sessions each school should receive besides the
introduction; --interval-weeks the weeks between sessions (4-6 in Bolton, 4 in the secondary trials; default 4-6);
--ends-on the last day of the intervention: the supervisor's schedule stops at that date and at the sessions intended.
--retention-until is the date after which personal data (DSL names and emails) must be erased.
trial set changes the supervision settings later; each --topic code=Label (repeat it) replaces the trial's short list of
session topics, which supervisors tick when they log a session (with free text for any other topic).
start-page sets what DSLs read before the first question: who runs the study (--run-by), why the answers
are asked for (--purpose, optional), who to contact (--contact) and the trial's privacy notice
(--privacy-url, https). Without options it prints the current text.`,
  options: [
    { name: 'id', type: 'string', valueName: '<id>', description: 'trial id (create)' },
    { name: 'title', type: 'string', valueName: '<title>', description: 'trial title (create)' },
    { name: 'unit', type: 'string', valueName: '<unit>', description: 'unit of randomisation: school or local_authority', default: 'school' },
    { name: 'kind', type: 'string', valueName: '<kind>', description: 'trial or programme', default: 'trial' },
    { name: 'sessions-intended', type: 'string', valueName: '<n>', description: 'formal supervision sessions intended per school' },
    { name: 'retention-until', type: 'string', valueName: '<date>', description: 'erase personal data after this date (YYYY-MM-DD)' },
    { name: 'starts-on', type: 'string', valueName: '<date>', description: 'first day of the intervention period (YYYY-MM-DD)' },
    { name: 'ends-on', type: 'string', valueName: '<date>', description: 'last day of the intervention period (YYYY-MM-DD)' },
    { name: 'interval-weeks', type: 'string', valueName: '<weeks>', description: 'weeks between sessions: 4-6 or 4 (create, set)' },
    { name: 'topic', type: 'string', valueName: '<code=Label>', multiple: true, description: 'a session topic (set; repeat it; replaces the list)' },
    { name: 'json', type: 'boolean', description: 'print JSON (list, show)' },
    { name: 'run-by', type: 'string', valueName: '<text>', description: 'start page: who runs the study' },
    { name: 'purpose', type: 'string', valueName: '<text>', description: 'start page: why the answers are asked for' },
    { name: 'contact', type: 'string', valueName: '<text>', description: 'start page: who to contact' },
    { name: 'privacy-url', type: 'string', valueName: '<url>', description: 'start page: the privacy notice (https)' },
  ],
  usesDb: true,
  run(ctx) {
    const [sub, ...rest] = ctx.positionals;
    if (sub === 'create') { if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`); return create(ctx); }
    if (sub === 'list') return list(ctx);
    if (sub === 'show') return show(ctx, rest[0]);
    if (sub === 'set') return set(ctx, rest[0]);
    if (sub === 'start-page') return startPage(ctx, rest[0]);
    throw new UsageError(sub ? `unknown trial command "${sub}" (use create, set, list, show or start-page)` : 'say create, set, list, show or start-page');
  },
};
