// Supervisor console: their schools and DSLs, schedule and overdue schools, logging a session (individual or group), the record-of-supervision form.
import type { Request, Response } from 'express';
import { dateText, dateTimeText, instrumentNames } from '../../views/format';

/** A schedule cell: ISO dates in words, other words ('none', 'now') as they are. */
const shownDate = (v: string) => (/^\d{4}-\d{2}-\d{2}/.test(v) ? dateText(v) : v);
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { actorOf } from '../../domain/auth/roles';
import { DslkitError, NotFoundError } from '../../../shared/errors';
import { findSupervisionRecord, listSessions, logSession, recordCounts, requireOwnSession, saveSupervisionRecord, SESSION_KINDS, SESSION_MODES, supervisedSchools, supervisorTrials } from '../../storage/supervision-repo';
import { getRegistry, validateAnswers, type InstrumentDef } from '../../../instruments/registry';
import { tableModel } from '../../views/render';
import { authOf } from './auth';
import { field, fieldList } from './body';
import { errorItems, sendPage } from './page';
import { scheduleRows } from './schedule-view';
import { intervalText } from '../../domain/supervision/trial-settings';
import { trialTopics } from '../../storage/trial-settings-repo';
import { programmePackages } from '../../storage/session-package-repo';
import { issueSessionForms } from '../../storage/session-form-repo';
import { queueSessionFormMessages } from '../../storage/outbox-decisions';
import { RECORD_INSTRUMENT } from '../../domain/session-forms/forms';

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

function newSessionPage(req: Request, res: Response, deps: AppDeps, trialId: string, errors: ReturnType<typeof errorItems> = [], status = 200): void {
  const t = ownTrial(res, deps, trialId);
  const chosen = fieldList(req, 'dsls');
  const schools = supervisedSchools(deps.db, authOf(res).user.id, t.id).map((s) => ({
    ...s, dsls: s.dsls.map((d) => ({ ...d, inputId: `dsl-${d.id}`, checked: chosen.includes(d.id) })),
  }));
  sendPage(req, res, 'staff/session-new', {
    title: 'Log a supervision session', phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, errors, schools, backLink: '/staff/supervision',
    kinds: SESSION_KINDS.map((k, i) => ({ value: k, label: kindLabels[k], id: i ? `kind-${i}` : 'kind', checked: field(req, 'kind') === k })),
    modes: SESSION_MODES.map((m, i) => ({ value: m, label: modeLabels[m], id: i ? `mode-${i}` : 'mode', checked: field(req, 'mode') === m })),
    heldOn: field(req, 'heldOn'), durationMinutes: field(req, 'durationMinutes'),
    topics: trialTopics(deps.db, t.id).map((x, i) => ({ ...x, id: i ? `topics-${i}` : 'topics', checked: fieldList(req, 'topics').includes(x.code) })),
    topicsNote: field(req, 'topicsNote'),
    packages: t.kind === 'programme' ? [{ value: '', text: 'The only package the settings share', selected: !field(req, 'packageId') },
      ...programmePackages(deps.db, t.id).map((p) => ({ value: String(p.id), text: p.name, selected: field(req, 'packageId') === String(p.id) }))] : null,
  }, status);
}

interface FormItem { id: string; label: string; kind: string; isText: boolean; isLong: boolean; isDate: boolean; value: string }
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
function recordItems(def: InstrumentDef, values: Record<string, string>): FormItem[] {
  const titles = questionTitles(def.survey);
  return def.items.filter((i) => i.id !== 'supervision_record_dsl').map((i) => ({
    id: i.id, label: titles.get(i.id) ?? i.id, kind: i.kind, isText: i.kind === 'text' && (i.maxLength ?? 0) <= 1000, isLong: i.kind === 'text' && (i.maxLength ?? 0) > 1000,
    isDate: i.kind === 'date', value: values[i.id] ?? '',
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
    items: recordItems(def, values), attendees: s.attendees.map((a, i) => ({ id: a.dslId, inputId: i ? `dsl-${i}` : 'dsl', name: names.get(a.dslId) ?? a.dslId, checked: dslId === a.dslId })),
  }, status);
}

export const supervisionRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/supervision', roles: supervisorOnly, summary: 'supervisor home: schools, DSLs, schedule, sessions',
    handler: (req, res, deps) => {
      const me = authOf(res).user;
      const today = deps.clock().toISOString().slice(0, 10);
      const trials = supervisorTrials(deps.db, me.id).map((t) => {
        const schools = supervisedSchools(deps.db, me.id, t.id);
        const sessions = listSessions(deps.db, { trialId: t.id, supervisorUserId: me.id });
        const names = new Map(schools.flatMap((s) => s.dsls.map((d) => [d.id, d.name] as const)));
        const records = recordCounts(deps.db, sessions.map((s) => s.id));
        const schedule = scheduleRows(schools, sessions, t, today);
        const plan = [`a session ${intervalText(t.intervalWeeks)}`, t.sessionsIntended === null ? null : `the introduction and ${t.sessionsIntended} formal session${t.sessionsIntended === 1 ? '' : 's'}`, t.endsOn ? `until ${dateText(t.endsOn)}` : null].filter(Boolean).join(', ');
        return {
          ...t, newHref: `/staff/supervision/${t.id}/sessions/new`, overdue: schedule.filter((r) => r.state === 'overdue' || r.state === 'no session yet').length,
          schedule: tableModel(`Schedule (${plan})`, ['School', 'Last session', { text: 'Sessions held', numeric: true }, 'Next due from', 'Due by', 'State'], schedule.map((r) => [{ text: r.school, header: true }, shownDate(r.last), r.held, shownDate(r.dueFrom), shownDate(r.dueBy), r.state === 'overdue' ? 'OVERDUE' : r.state])),
          schools: tableModel('Your schools and DSLs', ['School', 'DSLs'], schools.map((s) => [{ text: `${s.name} (${s.urn})`, header: true }, s.dsls.map((d) => d.status === 'active' ? d.name : `${d.name} (withdrawn)`).join(', ') || 'none yet'])),
          sessions: tableModel('Sessions you have logged', ['Date', 'Kind', 'Mode', 'Format', { text: 'Minutes', numeric: true }, 'DSLs', 'Topics', 'Forms and records'], sessions.map((s) => [
            dateText(s.heldOn), kindLabels[s.kind], modeLabels[s.mode], s.format, s.durationMinutes, s.attendees.map((a) => names.get(a.dslId) ?? a.dslId).join(', '), topicText(s),
            { text: `Forms and records (${records.get(s.id) ?? 0} of ${s.attendees.length} record${s.attendees.length === 1 ? '' : 's'} written)`, href: `/staff/supervision/${t.id}/sessions/${s.id}` },
          ]), 'No sessions logged yet.'),
        };
      });
      sendPage(req, res, 'staff/supervision', { title: 'My supervision', trials, phase: trials.some((t) => t.isDemo) ? 'DEMO' : 'BETA' });
    },
  },
  { method: 'get', path: '/supervision/:trialId/sessions/new', roles: supervisorOnly, summary: 'log-a-session form', handler: (req, res, deps) => newSessionPage(req, res, deps, param(req, 'trialId')) },
  {
    method: 'post', path: '/supervision/:trialId/sessions', roles: supervisorOnly, summary: 'log a session',
    handler: (req, res, deps) => {
      const t = ownTrial(res, deps, param(req, 'trialId'));
      const me = authOf(res).user;
      const duration = field(req, 'durationMinutes');
      try {
        const at = deps.clock().toISOString();
        const id = logSession(deps.db, {
          trialId: t.id, supervisorUserId: me.id, kind: field(req, 'kind'), mode: field(req, 'mode'), heldOn: field(req, 'heldOn'),
          durationMinutes: /^\d+$/.test(duration) ? Number(duration) : NaN, dslIds: fieldList(req, 'dsls'), at, actor: actorOf(me),
          topics: fieldList(req, 'topics'), topicsNote: field(req, 'topicsNote'), packageId: /^\d+$/.test(field(req, 'packageId')) ? Number(field(req, 'packageId')) : null,
        });
        deps.db.transaction(() => {
          issueSessionForms(deps.db, deps.secret, [id], at); // each DSL's time-log and preparation-sheet links, shown on the session's page
          // and, when the trial's fieldwork sends itself and mail is set up, emailed to each DSL who attended
          if (deps.outbox) queueSessionFormMessages(deps.db, t.id, id, { actor: actorOf(me), at });
        })();
        deps.outbox?.wake();
        res.redirect(303, '/staff/supervision');
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        const firstDsl = supervisedSchools(deps.db, me.id, t.id).flatMap((s) => s.dsls)[0];
        const items = errorItems(err.problems).map((e) => (e.href === '#dsls' ? { ...e, href: firstDsl ? `#dsl-${firstDsl.id}` : null } : e.href === '#topics' && !trialTopics(deps.db, t.id).length ? { ...e, href: null } : e));
        newSessionPage(req, res, deps, t.id, items, err.status);
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
      if (!s.attendees.some((a) => a.dslId === dslId)) { recordPage(req, res, deps, [{ text: 'Choose the DSL this record is about.', href: '#dsl' }], 400); return; }
      const answers: Record<string, unknown> = { supervision_record_dsl: dslId };
      for (const item of def.items) { const v = field(req, item.id); if (v && item.id !== 'supervision_record_dsl') answers[item.id] = v; }
      const problems = validateAnswers([def], answers, 'complete');
      if (problems.length) { recordPage(req, res, deps, problems.map((p) => ({ text: p.detail, href: `#${p.pointer.split('/').pop()}` })), 400); return; }
      saveSupervisionRecord(deps.db, { sessionId: s.id, authorUserId: me.id, dslId, instrument: RECORD_INSTRUMENT, answers, at: deps.clock().toISOString() });
      res.redirect(303, `/staff/supervision/${t.id}/sessions/${s.id}`);
    },
  },
];
