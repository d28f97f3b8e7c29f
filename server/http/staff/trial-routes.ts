// Evaluator console: trials, school and DSL imports, randomisation (preview then lock), waves, invitations, fieldwork monitor, outcomes, reports.
import path from 'node:path';
import { dateText, dateTimeText, instrumentNames } from '../../views/format';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf, roleLabels } from '../../domain/auth/roles';
import { withStaffChrome } from './report-chrome';
import { DslkitError, NotFoundError, ValidationError } from '../../../shared/errors';
import { toCsv } from '../../domain/csv';
import { createTrial, getTrial, listTrials, trialCounts, type Trial } from '../../storage/trial-repo';
import { importSchools, listSchoolsInTrial, enrolledSchoolsTable } from '../../storage/school-repo';
import { importDsls, listDsls } from '../../storage/dsl-repo';
import { getRandomisation, randomiseTrial } from '../../storage/allocation-repo';
import { previewsBefore } from '../../storage/allocation-export-repo';
import { randomiseTable, sha256Hex, isMethod, METHODS } from '../../domain/randomisation/randomise';
import { createWave, listWaves, getWaveById, waveState, WAVE_NAMES } from '../../storage/wave-repo';
import { invitedDslIds, issueInvitations } from '../../storage/invitation-repo';
import { deriveInvitationToken } from '../../domain/invitation-tokens';
import { importOutcomes } from '../../storage/outcome-repo';
import { appendAudit } from '../../storage/audit-repo';
import { activeDslContacts } from '../../storage/fieldwork-repo';
import { getRegistry } from '../../../instruments/registry';
import { tableModel } from '../../views/render';
import { authOf } from './auth';
import { field, fieldList } from './body';
import { uploadedFiles } from './upload-body';
import { errorItems, sendPage } from './page';
import { balanceRows } from './balance-view';
import { dateInputModel, readDateInput, type DateInputResult } from './date-input';
import { readTrialForm, type TrialForm } from './trial-form';
import { audienceFilter } from '../../storage/wave-audience-repo';
import { audienceText, parseArms } from '../../domain/waves/audience';
import { waveInstrumentRefusal } from '../../domain/session-forms/forms';
import { loadReportSections } from '../../storage/report-section-repo';
import { emptySections } from '../../../reports/view-models/evaluator-sections';

/** The trial and wave named in the URL, or 404. */
function waveOf(req: Request, deps: AppDeps): { t: Trial; w: NonNullable<ReturnType<typeof getWaveById>> } {
  const t = trialOr404(deps, param(req, 'trialId'));
  const w = getWaveById(deps.db, Number(param(req, 'waveId')));
  if (!w || w.trialId !== t.id) throw new NotFoundError('There is no such wave.');
  return { t, w };
}

/** The trial named in the URL, or 404. */
export function trialOr404(deps: AppDeps, id: string): Trial {
  const t = typeof id === 'string' ? getTrial(deps.db, id) : undefined;
  if (!t) throw new NotFoundError('There is no such trial.');
  return t;
}

const phaseOf = (t: Trial) => (t.isDemo ? 'DEMO' as const : 'BETA' as const);
const who = (res: Response, deps: AppDeps) => ({ actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');

/** Retention state of a trial: shown on its page, a warning once the date has passed. */
export function retentionNotice(t: Trial, now: Date): { text: string; passed: boolean } {
  if (!t.retentionUntil) return { text: 'No retention date is set: set one so personal data is erased on time.', passed: false };
  const passed = now.toISOString().slice(0, 10) > t.retentionUntil;
  return { text: passed ? `The retention date ${dateText(t.retentionUntil)} has passed: erase the personal data (dslkit erase) now.` : `Personal data is kept until ${dateText(t.retentionUntil)}.`, passed };
}

function trialPage(req: Request, res: Response, deps: AppDeps, t: Trial, extra: { errors?: ReturnType<typeof errorItems>; notice?: string } = {}, status = 200): void {
  const counts = trialCounts(deps.db, t.id);
  const rand = getRandomisation(deps.db, t.id);
  const waves = listWaves(deps.db, t.id);
  const now = deps.clock();
  sendPage(req, res, 'staff/trial', {
    title: t.title, phase: phaseOf(t), trial: t, counts, errors: extra.errors ?? [], notice: extra.notice ?? '',
    retention: retentionNotice(t, now),
    randomisation: rand ? `Randomised on ${dateText(rand.createdAt)} (${rand.method}, seed ${rand.seed}).` : '',
    canRandomise: !rand && t.kind === 'trial' && t.status === 'setup',
    waves: tableModel('Waves', ['Wave', 'Opens', 'Closes', 'State', 'Instruments', 'Invitations'], waves.map((w) => [
      w.name, dateText(w.opensAt), dateText(w.closesAt), waveState(w, now).replace('_', ' '), instrumentNames(w.instruments),
      { text: 'Invitation links', href: `/staff/trials/${t.id}/waves/${w.id}/invitations` },
    ]), 'No waves yet.'),
  }, status);
}

async function handleImport(req: Request, res: Response, deps: AppDeps, kind: 'schools' | 'dsls'): Promise<void> {
  const t = trialOr404(deps, param(req, 'trialId'));
  const file = uploadedFiles(req).find((f) => f.field === 'file');
  if (!file || !file.text.trim()) { trialPage(req, res, deps, t, { errors: [{ text: 'Select a CSV file to upload', href: `#${kind}-file` }] }, 400); return; }
  const source = path.basename(file.filename || `${kind}.csv`);
  try {
    const by = who(res, deps);
    const result = kind === 'schools'
      ? importSchools(deps.db, file.text, { source, actor: by.actor, at: by.at, trialId: t.id })
      : importDsls(deps.db, file.text, { trialId: t.id, source, actor: by.actor, at: by.at, randomBytes: deps.randomBytes });
    trialPage(req, res, deps, t, { notice: `Imported ${result.rows} ${kind === 'schools' ? 'schools' : 'DSLs'} from ${source}: ${result.added} added, ${result.changed} changed, ${result.unchanged} unchanged.` });
  } catch (err) {
    if (!(err instanceof DslkitError) || err.status >= 500) throw err;
    const problems = err.problems.length ? err.problems : [{ pointer: '', detail: err.message }];
    trialPage(req, res, deps, t, { errors: errorItems(problems, `#${kind}-file`), notice: `Nothing was imported from ${source}: fix every line listed and upload the file again.` }, err.status);
  }
}

function randomiseOptions(req: Request, source: 'query' | 'body'): { seed: number; method: string; strata: string[] } | null {
  const get = (n: string) => (source === 'query' ? (typeof req.query[n] === 'string' ? String(req.query[n]).trim() : '') : field(req, n));
  const seedText = get('seed');
  if (!seedText) return null;
  const strata = (source === 'query' ? ([] as string[]).concat((req.query.strata as string[] | string | undefined) ?? []) : fieldList(req, 'strata')).filter(Boolean);
  return { seed: Number(seedText), method: get('method') || 'stratified', strata };
}

const strataChoices = ['LA (code)', 'PhaseOfEducation (name)', 'UrbanRural (name)'];

function previewCount(deps: AppDeps, trialId: string, until: string): string {
  const p = previewsBefore(deps.db, trialId, until);
  return p.count === 1 ? `1 balance preview (seed ${p.seeds[0]})` : `${p.count} balance previews${p.count ? ` (seeds ${p.seeds.join(', ')})` : ''}`;
}

/** Once randomised: the locked allocation and its balance, and no form (a second randomisation is refused anyway). */
function lockedPage(req: Request, res: Response, deps: AppDeps, t: Trial, rand: NonNullable<ReturnType<typeof getRandomisation>>): void {
  const schools = listSchoolsInTrial(deps.db, t.id).filter((s) => s.arm !== null);
  const arms = new Map(schools.map((s) => [s.urn, s.arm as 'control' | 'intervention']));
  sendPage(req, res, 'staff/randomise', {
    title: `Randomise ${t.title}`, phase: phaseOf(t), trial: t, errors: [], backLink: `/staff/trials/${t.id}`,
    locked: `This trial was randomised on ${dateText(rand.createdAt)} (${rand.method}, seed ${rand.seed}) after ${previewCount(deps, t.id, rand.createdAt)}. The allocation is locked: it can never be changed or redone.`,
    preview: tableModel('Balance of the locked allocation', ['Characteristic', 'Control', 'Intervention', 'Standardised difference'], balanceRows(schools, (urn) => arms.get(urn) ?? 'control')),
  });
}

function randomisePage(req: Request, res: Response, deps: AppDeps, t: Trial, errors: ReturnType<typeof errorItems>, status = 200): void {
  const rand = getRandomisation(deps.db, t.id);
  if (rand) { lockedPage(req, res, deps, t, rand); return; }
  const opts = randomiseOptions(req, 'query');
  let preview: ReturnType<typeof tableModel> | null = null;
  let previewErrors = errors;
  if (opts && !errors.length) {
    try {
      if (!Number.isInteger(opts.seed)) throw new ValidationError('The seed must be a whole number.', [{ pointer: '/seed', detail: 'The seed must be a whole number.' }]);
      if (!isMethod(opts.method)) throw new ValidationError('Select a randomisation method', [{ pointer: '/method', detail: 'Select a randomisation method' }]);
      const { table, columns } = enrolledSchoolsTable(deps.db, t.id);
      const csv = toCsv(columns, table.rows.map((r) => r.values));
      const result = randomiseTable(table, { seed: opts.seed, method: opts.method, strata: opts.strata, idColumn: 'URN', cluster: t.unit === 'local_authority' ? 'LA (code)' : undefined }, { sha256: sha256Hex(csv), source: `trial ${t.id}` });
      // Every preview is audited with its seed, so the allocation can say how many were looked at before it was locked (no seed shopping unseen).
      appendAudit(deps.db, { ...who(res, deps), action: 'randomise.preview', trialId: t.id, detail: { seed: opts.seed, method: opts.method, strata: opts.strata, inputSha256: result.inputSha256 } });
      const arms = new Map(result.schools.map((s) => [Number(s.id), s.arm]));
      const schools = listSchoolsInTrial(deps.db, t.id).filter((s) => s.enrolment === 'enrolled');
      preview = tableModel('Balance if this allocation is locked', ['Characteristic', 'Control', 'Intervention', 'Standardised difference'], balanceRows(schools, (urn) => arms.get(urn) ?? 'control'));
    } catch (err) {
      if (!(err instanceof DslkitError) || err.status >= 500) throw err;
      previewErrors = errorItems(err.problems.length ? err.problems : [{ pointer: '', detail: err.message }], '#seed');
      status = 400;
    }
  }
  sendPage(req, res, 'staff/randomise', {
    title: `Randomise ${t.title}`, phase: phaseOf(t), trial: t, errors: previewErrors, preview, locked: '',
    seed: opts ? String(opts.seed) : '', methods: METHODS.map((m) => ({ value: m, checked: (opts?.method ?? 'stratified') === m })),
    strata: strataChoices.map((s, i) => ({ value: s, id: `strata-${i}`, checked: (opts?.strata ?? []).includes(s) })),
    chosenStrata: opts?.strata ?? [], method: opts?.method ?? 'stratified', backLink: `/staff/trials/${t.id}`,
  }, status);
}

function wavesPage(req: Request, res: Response, deps: AppDeps, t: Trial, errors: ReturnType<typeof errorItems> = [], status = 200, dates?: { opens: DateInputResult | null; closes: DateInputResult | null }): void {
  const instruments = getRegistry().list().filter((d) => d.respondent === 'dsl' && waveInstrumentRefusal(d.key) === null);
  const now = deps.clock();
  sendPage(req, res, 'staff/waves', {
    title: `Waves of ${t.title}`, phase: phaseOf(t), trial: t, errors, backLink: `/staff/trials/${t.id}`,
    waves: tableModel('Waves', ['Wave', 'Opens', 'Closes', 'State', 'Instruments', 'Sent to'], listWaves(deps.db, t.id).map((w) => [w.name, dateText(w.opensAt), dateText(w.closesAt), waveState(w, now).replace('_', ' '), instrumentNames(w.instruments), audienceText(w)]), 'No waves yet.'),
    arms: [{ value: '', text: 'Both arms', selected: !field(req, 'arm') }, ...(['intervention', 'control'] as const).map((a) => ({ value: a, text: `The ${a} arm only`, selected: field(req, 'arm') === a }))],
    minSessions: field(req, 'minSessions'),
    names: WAVE_NAMES.map((n) => ({ value: n, selected: field(req, 'name') === n })),
    instruments: instruments.map((d, i) => ({ id: `instrument-${i}`, value: d.key, title: d.title, checked: fieldList(req, 'instruments').includes(d.key) })),
    opensAt: dateInputModel(req, 'opensAt', 'Opens', dates?.opens), closesAt: dateInputModel(req, 'closesAt', 'Closes', dates?.closes),
  }, status);
}

function outcomesPage(req: Request, res: Response, deps: AppDeps, t: Trial, extra: { errors?: ReturnType<typeof errorItems>; notice?: string } = {}, status = 200): void {
  const rows = deps.db.prepare(`SELECT o.period, count(DISTINCT o.urn) AS schools, sum(o.count) AS total FROM admin_outcomes o
    JOIN trial_schools ts ON ts.urn = o.urn AND ts.trial_id = ? GROUP BY o.period ORDER BY o.period`).all(t.id) as Array<{ period: string; schools: number; total: number }>;
  sendPage(req, res, 'staff/outcomes', {
    title: `Administrative outcomes for ${t.title}`, phase: phaseOf(t), trial: t, errors: extra.errors ?? [], notice: extra.notice ?? '', backLink: `/staff/trials/${t.id}`,
    summary: tableModel('Imported so far (this trial\'s schools)', ['Month', { text: 'Schools', numeric: true }, { text: 'Total count (all measures)', numeric: true }], rows.map((r) => [r.period, r.schools, r.total]), 'No outcomes imported yet.'),
  }, status);
}

/** Every trial and the form to create one (again with its errors when `read` has problems). */
function trialsPage(req: Request, res: Response, deps: AppDeps, read?: TrialForm, status = 200): void {
  const now = deps.clock();
  const problems = read?.problems ?? [];
  const messages = Object.fromEntries(['id', 'title', 'sessionsIntended', 'retentionUntil'].map((n) => [n, problems.find((p) => p.field === n)?.text ?? '']));
  sendPage(req, res, 'staff/trials', {
    title: 'Trials', errors: problems.map((p) => ({ text: p.text, href: p.href })), messages,
    form: read?.form ?? { id: '', title: '', kind: 'trial', sessionsIntended: '' },
    retentionUntil: dateInputModel(req, 'retentionUntil', 'Keep personal data until (optional)', read?.retention, 'The date personal data is erased, for example 31 8 2030'),
    trials: tableModel(null, ['Trial', 'Title', 'Kind', 'Status', 'Keep personal data until'], listTrials(deps.db).map((t) => [
      { text: t.id, href: `/staff/trials/${t.id}`, header: true }, t.title, t.isDemo ? `${t.kind} (demo)` : t.kind, t.status,
      !t.retentionUntil ? 'not set' : retentionNotice(t, now).passed ? `${dateText(t.retentionUntil)} (passed)` : dateText(t.retentionUntil),
    ]), 'No trials yet.'),
  }, status);
}

export const trialRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials', roles: evaluatorRoles, summary: 'list trials and the create form', handler: (req, res, deps) => trialsPage(req, res, deps),
  },
  {
    method: 'post', path: '/trials', roles: evaluatorRoles, summary: 'create a trial',
    handler: (req, res, deps) => {
      const by = who(res, deps);
      const read = readTrialForm(req);
      if (!read.values) { trialsPage(req, res, deps, read, 400); return; }
      try {
        const t = createTrial(deps.db, { ...read.values, createdAt: by.at });
        appendAudit(deps.db, { ...by, action: 'trial.create', trialId: t.id, detail: { kind: t.kind } });
        res.redirect(303, `/staff/trials/${t.id}`);
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        const text = err.status === 409 ? `A trial with the short id ${read.form.id} already exists: choose another` : err.message.split('\n')[0];
        trialsPage(req, res, deps, { ...read, problems: [{ field: 'id', href: '#id', text }] }, err.status);
      }
    },
  },
  { method: 'get', path: '/trials/:trialId', roles: evaluatorRoles, summary: 'trial overview', handler: (req, res, deps) => trialPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  { method: 'post', path: '/trials/:trialId/schools', roles: evaluatorRoles, summary: 'import schools CSV', upload: true, handler: (req, res, deps) => handleImport(req, res, deps, 'schools') },
  { method: 'post', path: '/trials/:trialId/dsls', roles: evaluatorRoles, summary: 'import DSL roster CSV', upload: true, handler: (req, res, deps) => handleImport(req, res, deps, 'dsls') },
  { method: 'get', path: '/trials/:trialId/randomise', roles: evaluatorRoles, summary: 'randomisation form and balance preview', handler: (req, res, deps) => randomisePage(req, res, deps, trialOr404(deps, param(req, 'trialId')), []) },
  {
    method: 'post', path: '/trials/:trialId/randomise', roles: evaluatorRoles, summary: 'lock the randomisation',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const opts = randomiseOptions(req, 'body');
      if (!opts || !Number.isInteger(opts.seed) || !isMethod(opts.method) || field(req, 'confirm') !== 'yes') {
        throw new ValidationError('Preview the balance table first, then confirm the randomisation.');
      }
      randomiseTrial(deps.db, t.id, { seed: opts.seed, method: opts.method, strata: opts.strata }, who(res, deps));
      res.redirect(303, `/staff/trials/${t.id}`);
    },
  },
  { method: 'get', path: '/trials/:trialId/waves', roles: evaluatorRoles, summary: 'waves and their instruments', handler: (req, res, deps) => wavesPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  {
    method: 'post', path: '/trials/:trialId/waves', roles: evaluatorRoles, summary: 'create a wave',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      // the GOV.UK date inputs (an ISO opensAt/closesAt field is still read, for scripts posting the old form)
      const opens = field(req, 'opensAt') ? null : readDateInput(req, 'opensAt', 'date the wave opens');
      const closes = field(req, 'closesAt') ? null : readDateInput(req, 'closesAt', 'date the wave closes');
      const dateErrors = [opens?.error ? { text: opens.error, href: `#opensAt-${opens.wrong[0]}` } : null, closes?.error ? { text: closes.error, href: `#closesAt-${closes.wrong[0]}` } : null].filter((e) => e !== null);
      if (!dateErrors.length && opens?.iso && closes?.iso && closes.iso <= opens.iso) {
        closes.error = 'The date the wave closes must be after the date it opens';
        closes.wrong = ['day', 'month', 'year'];
        dateErrors.push({ text: closes.error, href: '#closesAt-day' });
      }
      if (dateErrors.length) { wavesPage(req, res, deps, t, dateErrors, 400, { opens, closes }); return; }
      try {
        const { arms, problem } = parseArms(field(req, 'arm'));
        const min = field(req, 'minSessions').trim();
        if (problem || (min !== '' && !/^\d+$/.test(min))) throw new ValidationError(problem ?? 'Enter the least number of formal sessions as a whole number, or leave it empty.');
        const w = createWave(deps.db, { trialId: t.id, name: field(req, 'name'), opensAt: opens?.iso ?? field(req, 'opensAt'), closesAt: closes?.iso ?? field(req, 'closesAt'), instruments: fieldList(req, 'instruments'), arms, minSessions: min === '' ? null : Number(min) });
        appendAudit(deps.db, { ...who(res, deps), action: 'wave.create', trialId: t.id, detail: { wave: w.name, instruments: w.instruments } });
        res.redirect(303, `/staff/trials/${t.id}/waves`);
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        wavesPage(req, res, deps, t, err.message.split('\n').map((text) => ({ text, href: '#name' })), err.status);
      }
    },
  },
  {
    method: 'get', path: '/trials/:trialId/waves/:waveId/invitations', roles: evaluatorRoles, summary: 'invitation links of a wave: how many exist, create the missing ones',
    handler: (req, res, deps) => {
      const { t, w } = waveOf(req, deps);
      const invited = invitedDslIds(deps.db, w.id);
      const inAudience = audienceFilter(deps.db, t.id, w.id);
      const missing = activeDslContacts(deps.db, t.id).filter((c) => inAudience(c.dslId) && !invited.has(c.dslId)).length;
      sendPage(req, res, 'staff/invitations', {
        title: `Invitation links: ${w.name} wave`, phase: phaseOf(t), trial: t, wave: w, backLink: `/staff/trials/${t.id}`,
        issued: invited.size, missing, missingText: `${missing} active DSL${missing === 1 ? ' has' : 's have'} no link for this wave yet.`,
        csvHref: `/staff/trials/${t.id}/waves/${w.id}/invitations.csv`,
      });
    },
  },
  {
    method: 'post', path: '/trials/:trialId/waves/:waveId/invitations', roles: evaluatorRoles, summary: 'create the missing invitation links of a wave',
    handler: (req, res, deps) => {
      const { t, w } = waveOf(req, deps);
      const by = who(res, deps);
      const before = invitedDslIds(deps.db, w.id);
      const inAudience = audienceFilter(deps.db, t.id, w.id); // only the DSLs the wave is for (its arms, least sessions)
      const missing = activeDslContacts(deps.db, t.id).filter((c) => inAudience(c.dslId) && !before.has(c.dslId)).map((c) => c.dslId);
      issueInvitations(deps.db, deps.secret, w.id, missing, by.at);
      appendAudit(deps.db, { ...by, action: 'invitations.create', trialId: t.id, detail: { wave: w.name, created: missing.length } });
      res.redirect(303, `/staff/trials/${t.id}/waves/${w.id}/invitations`);
    },
  },
  {
    method: 'get', path: '/trials/:trialId/waves/:waveId/invitations.csv', roles: evaluatorRoles, summary: 'download the invitation links that exist (mail merge)',
    handler: (req, res, deps) => {
      const { t, w } = waveOf(req, deps);
      const invited = invitedDslIds(deps.db, w.id);
      // a GET changes nothing: only links already created (POST …/invitations) are listed, re-derived from the secret
      const inAudience = audienceFilter(deps.db, t.id, w.id);
      const contacts = activeDslContacts(deps.db, t.id).filter((c) => invited.has(c.dslId) && inAudience(c.dslId));
      if (!contacts.length) throw new NotFoundError(`No invitation links have been created for this wave yet: create them on the wave's invitations page (/staff/trials/${t.id}/waves/${w.id}/invitations).`);
      appendAudit(deps.db, { ...who(res, deps), action: 'invitations.download', trialId: t.id, detail: { wave: w.name, count: contacts.length } });
      const rows = contacts.map((c) => ({ dsl_id: c.dslId, school_urn: c.urn, school_name: c.schoolName, la_code: c.laCode, name: c.name, email: c.email, wave: w.name, closes: w.closesAt.slice(0, 10), link: `${deps.config.publicUrl}/s/${deriveInvitationToken(deps.secret, w.id, c.dslId)}` }));
      res.set('Cache-Control', 'no-store').type('text/csv').attachment(`${t.id}-${w.name}-invitations.csv`)
        .send(toCsv(['dsl_id', 'school_urn', 'school_name', 'la_code', 'name', 'email', 'wave', 'closes', 'link'], rows));
    },
  },
  { method: 'get', path: '/trials/:trialId/outcomes', roles: evaluatorRoles, summary: 'administrative outcomes import form', handler: (req, res, deps) => outcomesPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  {
    method: 'post', path: '/trials/:trialId/outcomes', roles: evaluatorRoles, summary: 'import administrative outcomes CSV', upload: true,
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const file = uploadedFiles(req).find((f) => f.field === 'file');
      if (!file || !file.text.trim()) { outcomesPage(req, res, deps, t, { errors: [{ text: 'Select a CSV file to upload', href: '#outcomes-file' }] }, 400); return; }
      const source = path.basename(file.filename || 'outcomes.csv');
      try {
        const by = who(res, deps);
        const r = importOutcomes(deps.db, file.text, source, by.actor, by.at);
        outcomesPage(req, res, deps, t, { notice: `Imported ${r.rows} counts for ${r.schools} schools, ${r.periods[0]} to ${r.periods[1]}: ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged.` });
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        outcomesPage(req, res, deps, t, { errors: errorItems(err.problems.length ? err.problems : [{ pointer: '', detail: err.message }], '#outcomes-file'), notice: `Nothing was imported from ${source}: fix every line listed and upload the file again.` }, err.status);
      }
    },
  },
  {
    method: 'get', path: '/trials/:trialId/reports', roles: evaluatorRoles, summary: 'reports list',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const texts = loadReportSections(deps.db, t.id);
      sendPage(req, res, 'staff/reports', {
        title: `Reports: ${t.title}`, phase: phaseOf(t), trial: t, backLink: `/staff/trials/${t.id}`,
        emptyArm: emptySections(texts, 'arm-comparison').join('; '), emptyIpe: emptySections(texts, 'ipe').join('; '),
      });
    },
  },
  {
    method: 'get', path: '/trials/:trialId/reports/:kind', roles: evaluatorRoles, summary: 'run and download a report',
    handler: async (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const kind = param(req, 'kind').replace(/\.html$/, '');
      if (kind !== 'arm-comparison' && kind !== 'ipe') throw new NotFoundError('There is no such report.');
      // Loaded on first use: the report code (Vega, Handlebars templates) stays out of memory until an evaluator asks for a report.
      const { renderReport } = await import('../../reports/render-trial-report');
      const html = await renderReport(deps.db, { trialId: t.id, kind, clock: deps.clock });
      appendAudit(deps.db, { ...who(res, deps), action: 'report.run', trialId: t.id, detail: { kind } });
      res.set('Cache-Control', 'no-store').type('html');
      if (req.query.download === '1') { res.attachment(`${t.id}-${kind}.html`); res.send(html); return; }
      const { user } = authOf(res);
      res.send(withStaffChrome(html, { userName: user.name, roleLabel: roleLabels[user.role], backHref: `/staff/trials/${t.id}/reports`, backText: 'Back to this trial\'s reports', downloadHref: `/staff/trials/${t.id}/reports/${kind}?download=1` }));
    },
  },
  {
    method: 'get', path: '/trials/:trialId/dsls', roles: evaluatorRoles, summary: 'DSLs (pseudonymous) with withdraw/erase',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      sendPage(req, res, 'staff/dsls', {
        title: `DSLs in ${t.title}`, phase: phaseOf(t), trial: t, backLink: `/staff/trials/${t.id}`,
        table: tableModel(null, ['DSL id', 'School URN', 'Role', 'Status', 'Action'], listDsls(deps.db, t.id).map((d) => [
          d.id, d.urn, d.role, d.status, d.status === 'erased' ? 'erased' : { text: 'Withdraw or erase', href: `/staff/trials/${t.id}/dsls/${d.id}/erase` },
        ]), 'No DSLs imported yet.'),
      });
    },
  },
];
