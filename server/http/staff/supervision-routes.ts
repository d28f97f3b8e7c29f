// Supervisor console: their schools and DSLs, schedule and overdue schools, logging a session (individual or group), the record-of-supervision form.
import type { Request, Response } from 'express';
import { dateText, naturalCompare } from '../../views/format';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { actorOf } from '../../domain/auth/roles';
import { DslkitError, NotFoundError } from '../../../shared/errors';
import { findSupervisionRecord, listSessions, logSession, requireOwnSession, saveSupervisionRecord, SESSION_KINDS, SESSION_MODES, supervisedSchools, supervisorTrials, type SessionRecord, type SupervisedSchool, type SupervisorTrial } from '../../storage/supervision-repo';
import { getRegistry, validateAnswers, type InstrumentDef } from '../../../instruments/registry';
import { authOf } from './auth';
import { field, fieldList } from './body';
import { errorItems, sendPage } from './page';
import { byWhatNeedsDoing, matchesFilter, scheduleRows, WORK_FILTERS, type WorkFilter, type WorkRow } from './schedule-view';
import { setFlash } from './flash';
import { recordProblemText } from './record-messages';
import { dateInputModel, dateInputValue, readDateInput, type DateInputResult } from './date-input';
import { intervalText } from '../../domain/supervision/trial-settings';
import { trialTopics } from '../../storage/trial-settings-repo';
import { programmePackages } from '../../storage/session-package-repo';
import { attendeeFormProgress, issueSessionForms } from '../../storage/session-form-repo';
import { queueSessionFormMessages } from '../../storage/outbox-decisions';
import { RECORD_INSTRUMENT, sessionFormsFor } from '../../domain/session-forms/forms';

const supervisorOnly = ['supervisor'] as const;
const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
export const kindLabels: Record<string, string> = { introduction: 'Introduction', formal: 'Formal supervision', adhoc: 'Ad-hoc contact' };
export const modeLabels: Record<string, string> = { face_to_face: 'Face to face', online: 'Online', phone: 'Phone', email: 'Email' };
export { RECORD_INSTRUMENT };

/** A session's topics in words: the trial's labels, then the free text (escaped when rendered, like every string). */
export function topicText(s: { topics: Array<{ label: string }>; topicsNote: string | null }): string {
  return [...s.topics.map((x) => x.label), ...(s.topicsNote ? [s.topicsNote] : [])].join('; ') || 'none recorded';
}

/** The supervisor's trial from the URL, or 404 when they have no schools in it. */
function ownTrial(res: Response, deps: AppDeps, trialId: string) {
  const t = supervisorTrials(deps.db, authOf(res).user.id).find((x) => x.id === trialId);
  if (!t) throw new NotFoundError('There is no such trial among yours.');
  return t;
}

/** The supervisor's schools in a trial and each school's DSLs, in natural order ("DSL 2" before "DSL 10"). */
export function mySchools(deps: AppDeps, userId: number, trialId: string): SupervisedSchool[] {
  return supervisedSchools(deps.db, userId, trialId)
    .map((s) => ({ ...s, dsls: [...s.dsls].sort((a, b) => naturalCompare(a.name, b.name) || a.id.localeCompare(b.id)) }))
    .sort((a, b) => naturalCompare(a.name, b.name) || a.urn - b.urn);
}

/** A schedule date in words; other words ('none', 'now') as they are. */
export const shownDate = (v: string) => (/^\d{4}-\d{2}-\d{2}/.test(v) ? dateText(v) : v);

/** How the page words a school's state, with the GOV.UK tag colour it is shown in. */
export const STATE_TAGS: Record<WorkRow['state'], { text: string; colour: string }> = {
  overdue: { text: 'Overdue', colour: 'red' }, 'due now': { text: 'Due now', colour: 'orange' }, 'no session yet': { text: 'No session yet', colour: 'yellow' },
  'not yet due': { text: 'Not yet due', colour: 'blue' }, 'all sessions held': { text: 'All sessions held', colour: 'green' }, 'intervention ended': { text: 'Intervention ended', colour: 'grey' },
};

/** Each school's schedule with the DSL forms not returned and records not written from its sessions (this supervisor's). */
export function workRows(deps: AppDeps, userId: number, t: SupervisorTrial, schools: SupervisedSchool[], sessions: SessionRecord[]): WorkRow[] {
  const today = deps.clock().toISOString().slice(0, 10);
  const kindOf = new Map(sessions.map((s) => [s.id, s.kind]));
  const forms = new Map<number, number>();
  const records = new Map<number, number>();
  for (const p of attendeeFormProgress(deps.db, t.id, userId)) {
    const expected = sessionFormsFor(kindOf.get(p.sessionId) ?? 'formal').length;
    forms.set(p.urn, (forms.get(p.urn) ?? 0) + Math.max(0, expected - p.returned));
    // a record of supervision is written for the introduction and formal sessions; ad-hoc contact needs none
    if (!p.recordWritten && kindOf.get(p.sessionId) !== 'adhoc') records.set(p.urn, (records.get(p.urn) ?? 0) + 1);
  }
  const names = new Map(schools.map((s) => [s.urn, s.name]));
  return scheduleRows(schools, sessions, t, today).map((r) => ({ ...r, name: names.get(r.urn) ?? String(r.urn), formsToReturn: forms.get(r.urn) ?? 0, recordsToWrite: records.get(r.urn) ?? 0 }));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The words of a school's "forms and records" cell: what is still to come back or be written, or that nothing is. */
export function outstandingText(r: Pick<WorkRow, 'formsToReturn' | 'recordsToWrite'>): string {
  const parts = [r.formsToReturn ? `${plural(r.formsToReturn, 'DSL form')} not returned` : null, r.recordsToWrite ? `${plural(r.recordsToWrite, 'record')} to write` : null].filter(Boolean);
  return parts.length ? parts.join(', ') : 'Nothing outstanding';
}

/** The short form for the page's table: "6 DSL forms, 2 records", or "None". */
export function outstandingShort(r: Pick<WorkRow, 'formsToReturn' | 'recordsToWrite'>): string {
  const parts = [r.formsToReturn ? plural(r.formsToReturn, 'DSL form') : null, r.recordsToWrite ? plural(r.recordsToWrite, 'record') : null].filter(Boolean);
  return parts.length ? parts.join(', ') : 'None';
}

/** When the next session is due, in words. */
export function dueText(r: WorkRow): string {
  if (!r.dueFrom && !r.dueBy) return '–';
  if (r.dueFrom === 'now') return r.dueBy === 'now' ? 'now' : `now, by ${shownDate(r.dueBy)}`;
  return r.dueFrom === r.dueBy ? `by ${shownDate(r.dueBy)}` : `${shownDate(r.dueFrom)} to ${shownDate(r.dueBy)}`;
}

/** The schedule's plan in words: "a session every 4 to 6 weeks, the introduction and 3 formal sessions, until 31 August 2026". */
function planText(t: SupervisorTrial): string {
  return [`a session ${intervalText(t.intervalWeeks)}`, t.sessionsIntended === null ? null : `the introduction and ${plural(t.sessionsIntended, 'formal session')}`, t.endsOn ? `until ${dateText(t.endsOn)}` : null].filter(Boolean).join(', ');
}

function homePage(req: Request, res: Response, deps: AppDeps): void {
  const me = authOf(res).user;
  const today = deps.clock().toISOString().slice(0, 10);
  const stateParam = typeof req.query.state === 'string' ? req.query.state : '';
  const state = WORK_FILTERS.some((f) => f.value === stateParam) ? stateParam as WorkFilter : null;
  const school = typeof req.query.school === 'string' ? req.query.school.slice(0, 100) : '';
  const filtering = state !== null || school.trim() !== '';
  const mine = supervisorTrials(deps.db, me.id);
  const trials = mine.map((t) => {
    const schools = mySchools(deps, me.id, t.id);
    const all = byWhatNeedsDoing(workRows(deps, me.id, t, schools, listSessions(deps.db, { trialId: t.id, supervisorUserId: me.id })), naturalCompare);
    const shown = all.filter((r) => matchesFilter(r, { state, school }));
    const ended = t.endsOn !== null && today > t.endsOn;
    const needing = all.filter((r) => r.state === 'overdue' || r.state === 'due now' || r.state === 'no session yet').length;
    return {
      id: t.id, title: t.title, isProgramme: t.kind === 'programme',
      plan: ended ? `The intervention ended on ${dateText(t.endsOn)}: no more sessions are due. Forms and records of the sessions held can still be completed.` : `The plan: ${planText(t)}.`,
      needing: needing ? `${plural(needing, 'school needs', 'schools need')} a session now.` : '',
      newHref: `/staff/supervision/${t.id}/sessions/new`,
      count: filtering ? `Showing ${shown.length} of ${plural(all.length, t.kind === 'programme' ? 'setting' : 'school')}` : `${plural(all.length, t.kind === 'programme' ? 'setting' : 'school')}, what needs doing first at the top`,
      rows: shown.map((r) => ({
        name: r.name, urn: r.urn, href: `/staff/supervision/${t.id}/schools/${r.urn}`, sessions: r.held ? `${r.held} (last ${shownDate(r.last)})` : 'None yet', due: dueText(r),
        tag: STATE_TAGS[r.state], outstanding: outstandingShort(r), hasOutstanding: r.formsToReturn + r.recordsToWrite > 0,
        logHref: `/staff/supervision/${t.id}/sessions/new?school=${r.urn}`,
      })),
    };
  });
  sendPage(req, res, 'staff/supervision', {
    title: 'My supervision', trials, phase: mine.some((t) => t.isDemo) ? 'DEMO' : 'BETA',
    filter: { school, filtering, states: [{ value: '', text: 'Any state', selected: state === null }, ...WORK_FILTERS.map((f) => ({ ...f, selected: f.value === state }))] },
  });
}

function newSessionPage(req: Request, res: Response, deps: AppDeps, trialId: string, errors: ReturnType<typeof errorItems> = [], status = 200, heldOn?: DateInputResult): void {
  const t = ownTrial(res, deps, trialId);
  const mine = mySchools(deps, authOf(res).user.id, t.id);
  // "Log a session" from a school's row ticks that school's active DSLs; a re-shown form keeps what was ticked
  const fromSchool = req.method === 'GET' && typeof req.query.school === 'string' ? mine.find((s) => String(s.urn) === req.query.school) : undefined;
  const chosen = fromSchool ? fromSchool.dsls.filter((d) => d.status === 'active').map((d) => d.id) : fieldList(req, 'dsls');
  const schools = mine.map((s) => ({
    ...s, dsls: s.dsls.map((d) => ({ ...d, inputId: `dsl-${d.id}`, checked: chosen.includes(d.id) })),
  }));
  sendPage(req, res, 'staff/session-new', {
    title: 'Log a supervision session', phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, errors, schools, backLink: '/staff/supervision',
    kinds: SESSION_KINDS.map((k, i) => ({ value: k, label: kindLabels[k], id: i ? `kind-${i}` : 'kind', checked: field(req, 'kind') === k })),
    modes: SESSION_MODES.map((m, i) => ({ value: m, label: modeLabels[m], id: i ? `mode-${i}` : 'mode', checked: field(req, 'mode') === m })),
    heldOn: dateInputModel(req, 'heldOn', 'Date of the session', heldOn ?? (field(req, 'heldOn') ? { iso: null, error: null, value: dateInputValue(field(req, 'heldOn')), wrong: [] } : null), 'For example, 27 3 2026'),
    durationMinutes: field(req, 'durationMinutes'),
    topics: trialTopics(deps.db, t.id).map((x, i) => ({ ...x, id: i ? `topics-${i}` : 'topics', checked: fieldList(req, 'topics').includes(x.code) })),
    topicsNote: field(req, 'topicsNote'),
    packages: t.kind === 'programme' ? [{ value: '', text: 'The only package the settings share', selected: !field(req, 'packageId') },
      ...programmePackages(deps.db, t.id).map((p) => ({ value: String(p.id), text: p.name, selected: field(req, 'packageId') === String(p.id) }))] : null,
  }, status);
}

interface FormItem { id: string; label: string; kind: string; isText: boolean; isLong: boolean; isDate: boolean; value: string; error: string }
interface SurveyElement { name: string; title?: string; type?: string; elements?: SurveyElement[] }

/** Each question's wording from the instrument's survey.json, with the panel it sits in ("Agreed action 1: By whom"). */
export function questionTitles(survey: unknown): Map<string, string> {
  const titles = new Map<string, string>();
  const walk = (elements: SurveyElement[] | undefined, prefix: string) => {
    for (const e of elements ?? []) {
      if (e.type === 'panel') walk(e.elements, e.title ? `${prefix}${e.title}: ` : prefix);
      else titles.set(e.name, `${prefix}${e.title ?? e.name}`);
    }
  };
  for (const p of (survey as { pages: Array<{ elements?: SurveyElement[] }> }).pages) walk(p.elements, '');
  return titles;
}

/** The record form's fields from the instrument's item list (wording from its survey.json), rendered as plain HTML inputs. */
function recordItems(def: InstrumentDef, values: Record<string, string>, errors: Array<{ text: string; href: string | null }>): FormItem[] {
  const titles = questionTitles(def.survey);
  return def.items.filter((i) => i.id !== 'supervision_record_dsl').map((i) => ({
    id: i.id, label: titles.get(i.id) ?? i.id, kind: i.kind, isText: i.kind === 'text' && (i.maxLength ?? 0) <= 1000, isLong: i.kind === 'text' && (i.maxLength ?? 0) > 1000,
    isDate: i.kind === 'date', value: values[i.id] ?? '', error: errors.find((e) => e.href === `#${i.id}`)?.text ?? '',
  }));
}

/** The DSL a record is about: the form's choice, else the link's ?dsl=, else the only attendee. */
function chosenDsl(req: Request, attendees: Array<{ dslId: string }>): string {
  const fromForm = field(req, 'dsl') || (typeof req.query.dsl === 'string' ? req.query.dsl : '');
  if (attendees.some((a) => a.dslId === fromForm)) return fromForm;
  return attendees.length === 1 ? attendees[0].dslId : '';
}

function recordPage(req: Request, res: Response, deps: AppDeps, errors: ReturnType<typeof errorItems> = [], status = 200): void {
  const t = ownTrial(res, deps, param(req, 'trialId'));
  const s = requireOwnSession(deps.db, authOf(res).user.id, t.id, Number(param(req, 'sessionId')));
  const def = getRegistry().get(RECORD_INSTRUMENT);
  const dslId = chosenDsl(req, s.attendees);
  // A re-shown form keeps what was typed; otherwise the saved record reopens with its answers.
  const saved = req.method === 'GET' && dslId ? findSupervisionRecord(deps.db, s.id, dslId) : undefined;
  const values = Object.fromEntries(def.items.map((i) => [i.id, saved ? (saved.answers[i.id] === undefined ? '' : String(saved.answers[i.id])) : field(req, i.id)]));
  if (!values.supervision_record_date) values.supervision_record_date = s.heldOn;
  const names = new Map(supervisedSchools(deps.db, authOf(res).user.id, t.id).flatMap((x) => x.dsls.map((d) => [d.id, d.name] as const)));
  sendPage(req, res, 'staff/session-record', {
    title: `Record of supervision, ${dateText(s.heldOn)}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, session: s, errors, backLink: `/staff/supervision/${t.id}/sessions/${s.id}`,
    savedOn: saved ? dateText(saved.updatedAt) : null,
    items: recordItems(def, values, errors), attendees: s.attendees.map((a) => ({ id: a.dslId, name: names.get(a.dslId) ?? a.dslId })).sort((a, b) => naturalCompare(a.name, b.name)).map((a, i) => ({ ...a, inputId: i ? `dsl-${i}` : 'dsl', checked: dslId === a.id })),
  }, status);
}

export const supervisionRoutes: StaffRoute[] = [
  { method: 'get', path: '/supervision', roles: supervisorOnly, summary: 'supervisor home: what needs doing first at each school, filterable by state and name', handler: (req, res, deps) => homePage(req, res, deps) },
  { method: 'get', path: '/supervision/:trialId/sessions/new', roles: supervisorOnly, summary: 'log-a-session form', handler: (req, res, deps) => newSessionPage(req, res, deps, param(req, 'trialId')) },
  {
    method: 'post', path: '/supervision/:trialId/sessions', roles: supervisorOnly, summary: 'log a session',
    handler: (req, res, deps) => {
      const t = ownTrial(res, deps, param(req, 'trialId'));
      const me = authOf(res).user;
      const duration = field(req, 'durationMinutes');
      // the GOV.UK date input (an ISO heldOn field is still read, for scripts posting the old form)
      const date = field(req, 'heldOn') ? null : readDateInput(req, 'heldOn', 'date of the session');
      try {
        const at = deps.clock().toISOString();
        const id = logSession(deps.db, {
          trialId: t.id, supervisorUserId: me.id, kind: field(req, 'kind'), mode: field(req, 'mode'), heldOn: date ? date.iso ?? '' : field(req, 'heldOn'),
          durationMinutes: /^\d+$/.test(duration) ? Number(duration) : NaN, dslIds: fieldList(req, 'dsls'), at, actor: actorOf(me),
          topics: fieldList(req, 'topics'), topicsNote: field(req, 'topicsNote'), packageId: /^\d+$/.test(field(req, 'packageId')) ? Number(field(req, 'packageId')) : null,
        });
        deps.db.transaction(() => {
          issueSessionForms(deps.db, deps.secret, [id], at); // each DSL's time-log and preparation-sheet links, shown on the session's page
          // and, when the trial's fieldwork sends itself and mail is set up, emailed to each DSL who attended
          if (deps.outbox) queueSessionFormMessages(deps.db, t.id, id, { actor: actorOf(me), at });
        })();
        deps.outbox?.wake();
        setFlash(req, res, 'session-saved');
        res.redirect(303, `/staff/supervision/${t.id}/sessions/${id}`);
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        const firstDsl = mySchools(deps, me.id, t.id).flatMap((s) => s.dsls)[0];
        // a date the boxes could not make is said in the date input's own words ("must include a month"), else the storage's
        const problems = err.problems.map((p) => (p.pointer === '/heldOn' && date?.error ? { ...p, detail: date.error } : p));
        const heldOnError = problems.find((p) => p.pointer === '/heldOn')?.detail ?? null;
        const items = errorItems(problems).map((e) => (e.href === '#dsls' ? { ...e, href: firstDsl ? `#dsl-${firstDsl.id}` : null } : e.href === '#heldOn' ? { ...e, href: `#heldOn-${date?.wrong[0] ?? 'day'}` } : e.href === '#topics' && !trialTopics(deps.db, t.id).length ? { ...e, href: null } : e));
        const dateModel = date ?? { iso: null, error: null, value: dateInputValue(field(req, 'heldOn')), wrong: [] as DateInputResult['wrong'] };
        newSessionPage(req, res, deps, t.id, items, err.status, { ...dateModel, error: heldOnError, wrong: heldOnError ? (dateModel.wrong.length ? dateModel.wrong : ['day', 'month', 'year']) : [] });
      }
    },
  },
  { method: 'get', path: '/supervision/:trialId/sessions/:sessionId/record', roles: supervisorOnly, summary: 'record-of-supervision form', handler: (req, res, deps) => recordPage(req, res, deps) },
  {
    method: 'post', path: '/supervision/:trialId/sessions/:sessionId/record', roles: supervisorOnly, summary: 'save a record of supervision',
    handler: (req, res, deps) => {
      const t = ownTrial(res, deps, param(req, 'trialId'));
      const me = authOf(res).user;
      const s = requireOwnSession(deps.db, me.id, t.id, Number(param(req, 'sessionId')));
      const def = getRegistry().get(RECORD_INSTRUMENT);
      const dslId = field(req, 'dsl');
      if (!s.attendees.some((a) => a.dslId === dslId)) { recordPage(req, res, deps, [{ text: 'Select the DSL this record is about', href: '#dsl' }], 400); return; }
      const answers: Record<string, unknown> = { supervision_record_dsl: dslId };
      for (const item of def.items) { const v = field(req, item.id); if (v && item.id !== 'supervision_record_dsl') answers[item.id] = v; }
      const problems = validateAnswers([def], answers, 'complete');
      if (problems.length) {
        const titles = questionTitles(def.survey);
        const order = (id: string) => def.items.findIndex((i) => i.id === id); // the summary lists problems in the order of the form
        const items = problems.map((p) => p.pointer.split('/').pop()!).map((id, k) => ({ id, text: recordProblemText(problems[k].detail, titles.get(id) ?? id) }));
        recordPage(req, res, deps, items.sort((a, b) => order(a.id) - order(b.id)).map((x) => ({ text: x.text, href: `#${x.id}` })), 400);
        return;
      }
      saveSupervisionRecord(deps.db, { sessionId: s.id, authorUserId: me.id, dslId, instrument: RECORD_INSTRUMENT, answers, at: deps.clock().toISOString() });
      setFlash(req, res, 'record-saved');
      res.redirect(303, `/staff/supervision/${t.id}/sessions/${s.id}`);
    },
  },
];
