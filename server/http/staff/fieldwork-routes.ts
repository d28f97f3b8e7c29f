// Evaluator fieldwork pages: response rates (by wave, arm, LA and school, sortable, CSV), message states, the send steps (count first, then queue), reminders list, fieldwork settings and message wording with a preview and a test send.
import type { Request, Response } from 'express';
import { dateText, dateTimeText, instrumentNames } from '../../views/format';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { NotFoundError, ValidationError, type FieldProblem } from '../../../shared/errors';
import { toCsv } from '../../domain/csv';
import { kindLabels, statusLabels, TEMPLATE_KINDS, type TemplateKind } from '../../domain/outbox/kinds';
import { checkTemplateFor, renderMessage, TEMPLATE_FIELDS, closingText } from '../../domain/outbox/templates';
import { percent, rollUp, sortRows, withRate } from '../../domain/fieldwork/response-rates';
import { FIELDWORK_SETTINGS_FIELDS, parseFieldworkSettings } from '../../domain/fieldwork/settings';
import { fieldworkBySchool, fieldworkCounts, nonResponders } from '../../storage/fieldwork-repo';
import {
  enqueueMessages, getFieldworkSettings, getTemplate, messageTotals, messagesForWave, optedOutDsls, resetTemplate, saveFieldworkSettings,
  saveTemplate, requeueUncertain,
} from '../../storage/outbox-repo';
import { previewInvitations, previewReminders, queueInvitations, queueReminders } from '../../storage/outbox-decisions';
import { getWaveById, listWaves, waveState, type Wave } from '../../storage/wave-repo';
import { appendAudit } from '../../storage/audit-repo';
import type { Trial } from '../../storage/trial-repo';
import { sampleValues } from '../../mail/compose-message';
import { tableModel } from '../../views/render';
import { authOf } from './auth';
import { field } from './body';
import { errorItems, fieldMessages, problemsOrThrow, sendPage } from './page';
import { trialOr404 } from './trial-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
const who = (res: Response, deps: AppDeps) => ({ actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
const phaseOf = (t: Trial) => (t.isDemo ? 'DEMO' as const : 'BETA' as const);
const base = (t: Trial) => `/staff/trials/${t.id}/fieldwork`;
const num = (text: string) => ({ text, numeric: true });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function waveOr404(deps: AppDeps, t: Trial, id: string): Wave {
  const w = getWaveById(deps.db, Number(id));
  if (!w || w.trialId !== t.id) throw new NotFoundError('There is no such wave.');
  return w;
}

function kindOr404(kind: string): TemplateKind {
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) throw new NotFoundError('There is no such kind of message.');
  return kind as TemplateKind;
}

/** Fixed confirmation messages chosen by ?done=<key>&n=<count> after a redirect (the query text itself is never shown). */
function noticeOf(req: Request): string {
  const n = Number(typeof req.query.n === 'string' ? req.query.n : '0');
  const count = Number.isInteger(n) && n >= 0 && n < 1e7 ? n : 0;
  const notices: Record<string, string> = {
    invitations: `${plural(count, 'invitation')} queued. They go at the rate set for this server; this page shows them as sent.`,
    reminders: `${plural(count, 'reminder')} queued.`,
    resent: `${plural(count, 'uncertain message')} queued to be sent again.`,
    settings: 'The fieldwork settings were saved.',
    template: 'The message wording was saved.',
    reset: 'The message wording is back to the default.',
    test: 'A test message was queued to your own address.',
  };
  return notices[typeof req.query.done === 'string' ? req.query.done : ''] ?? '';
}

const mailState = (deps: AppDeps) => (deps.outbox
  ? { configured: true, text: `Messages are sent by ${deps.outbox.sender === 'smtp' ? 'email (SMTP)' : 'GOV.UK Notify'}.` }
  : { configured: false, text: 'Email is not set up on this server (DSLKIT_SMTP_URL or DSLKIT_NOTIFY_KEY), so dslkit cannot send messages: download the links for a mail merge from the trial page instead.' });

// ---- monitor ----------------------------------------------------------------------------------------

function monitorPage(req: Request, res: Response, deps: AppDeps, t: Trial): void {
  const cells = fieldworkCounts(deps.db, t.id);
  const head = (...cols: string[]) => [...cols, num('Invited'), num('Partial'), num('Complete'), num('Of which on paper'), num('Response rate')];
  const rows = <K extends object>(key: (c: (typeof cells)[number]) => string, label: (c: (typeof cells)[number]) => K, show: (k: K) => string[]) =>
    rollUp(cells, key, label).map((r) => [...show(r), r.invited, r.partial, r.complete, r.paper ?? 0, percent(r.rate)]);
  const now = deps.clock();
  const waves = listWaves(deps.db, t.id);
  const totals = messageTotals(deps.db, t.id);
  const mail = mailState(deps);
  sendPage(req, res, 'staff/fieldwork', {
    title: `Fieldwork: ${t.title}`, phase: phaseOf(t), trial: t, backLink: `/staff/trials/${t.id}`, notice: noticeOf(req), mail,
    byWave: tableModel('By wave', head('Wave'), rows((c) => c.wave, (c) => ({ wave: c.wave }), (k) => [k.wave]), 'No invitations issued yet.'),
    byArm: tableModel('By wave and arm', head('Wave', 'Arm'), rows((c) => `${c.wave}|${c.arm}`, (c) => ({ wave: c.wave, arm: c.arm }), (k) => [k.wave, k.arm]), 'No invitations issued yet.'),
    byLa: tableModel('By wave and local authority', head('Wave', 'Local authority'), rows((c) => `${c.wave}|${c.laCode}`, (c) => ({ wave: c.wave, la: `${c.laName} (${c.laCode})` }), (k) => [k.wave, k.la]), 'No invitations issued yet.'),
    messages: tableModel('Messages', ['Wave', 'Message', 'State', num('Messages')],
      totals.map((m) => [m.waveName ?? '–', kindLabels[m.kind], statusLabels[m.status], m.count]), 'No messages have been queued for this trial.'),
    waves: waves.map((w) => {
      const state = waveState(w, now);
      const open = state !== 'closed';
      return {
        name: w.name, state: state.replace('_', ' '), open, closes: closingText(w.closesAt),
        schoolsHref: `${base(t)}/schools?wave=${w.id}`,
        remindersHref: open ? `${base(t)}/${w.id}/reminders` : '',
        toRemind: open ? nonResponders(deps.db, t.id, w.id).length : 0,
        sendInvitationsHref: open && mail.configured ? `${base(t)}/${w.id}/send/invitation` : '',
        sendRemindersHref: open && mail.configured ? `${base(t)}/${w.id}/send/reminder` : '',
        uncertain: totals.filter((m) => m.waveId === w.id && m.status === 'uncertain').reduce((a, m) => a + m.count, 0),
        resendAction: `${base(t)}/${w.id}/resend-uncertain`,
      };
    }),
    settingsHref: `${base(t)}/settings`,
    messageLinks: TEMPLATE_KINDS.map((k) => ({ text: kindLabels[k], href: `${base(t)}/messages/${k}` })),
  });
}

// ---- by school --------------------------------------------------------------------------------------

const SCHOOL_COLUMNS = [
  { key: 'school', label: 'School' }, { key: 'arm', label: 'Arm' }, { key: 'la', label: 'Local authority' },
  { key: 'invited', label: 'Invited', numeric: true }, { key: 'notStarted', label: 'Not started', numeric: true },
  { key: 'partial', label: 'Partial', numeric: true }, { key: 'complete', label: 'Complete', numeric: true }, { key: 'paper', label: 'Of which on paper', numeric: true },
  { key: 'rate', label: 'Response rate', numeric: true }, { key: 'optedOut', label: 'Opted out of reminders', numeric: true },
] as const;
type SchoolColumn = (typeof SCHOOL_COLUMNS)[number]['key'];

function schoolRows(deps: AppDeps, t: Trial, w: Wave) {
  return fieldworkBySchool(deps.db, t.id, w.id).map((r) => withRate({
    urn: r.urn, school: `${r.schoolName} (${r.urn})`, arm: r.arm, la: `${r.laName} (${r.laCode})`, invited: r.invited, partial: r.partial, complete: r.complete, paper: r.paper, optedOut: r.optedOut,
  }));
}

function waveFromQuery(req: Request, deps: AppDeps, t: Trial): Wave {
  const waves = listWaves(deps.db, t.id);
  const asked = typeof req.query.wave === 'string' ? Number(req.query.wave) : waves[0]?.id;
  const w = waves.find((x) => x.id === asked);
  if (!w) throw new NotFoundError('There is no such wave.');
  return w;
}

function schoolsPage(req: Request, res: Response, deps: AppDeps, t: Trial): void {
  const w = waveFromQuery(req, deps, t);
  const sortKey = (SCHOOL_COLUMNS.find((c) => c.key === req.query.sort)?.key ?? 'rate') as SchoolColumn;
  const dir = req.query.dir === 'desc' ? 'desc' : 'asc';
  const rows = sortRows(schoolRows(deps, t, w), sortKey, dir);
  sendPage(req, res, 'staff/fieldwork-schools', {
    title: `Response by school: ${w.name} wave`, phase: phaseOf(t), trial: t, wave: w, backLink: base(t),
    csvHref: `${base(t)}/schools.csv?wave=${w.id}`,
    waveLinks: listWaves(deps.db, t.id).map((x) => ({ text: x.name, href: `${base(t)}/schools?wave=${x.id}`, current: x.id === w.id })),
    head: SCHOOL_COLUMNS.map((c) => {
      const sorted = c.key === sortKey;
      const next = sorted && dir === 'asc' ? 'desc' : 'asc';
      return { label: c.label, numeric: 'numeric' in c, href: `${base(t)}/schools?wave=${w.id}&sort=${c.key}&dir=${next}`, ariaSort: sorted ? (dir === 'asc' ? 'ascending' : 'descending') : 'none' };
    }),
    rows: rows.map((r) => SCHOOL_COLUMNS.map((c) => ({ text: c.key === 'rate' ? percent(r.rate) : String(r[c.key]), numeric: 'numeric' in c }))),
    count: rows.length,
  });
}

// ---- reminders list, send steps -----------------------------------------------------------------------

function remindersPage(req: Request, res: Response, deps: AppDeps, t: Trial, w: Wave): void {
  if (waveState(w, deps.clock()) === 'closed') throw new NotFoundError(`The ${w.name} wave has closed: there is no one left to remind.`);
  const list = nonResponders(deps.db, t.id, w.id);
  const messages = messagesForWave(deps.db, w.id);
  const optedOut = optedOutDsls(deps.db, t.id);
  const last = new Map<string, string>();
  for (const m of messages) last.set(m.dslId, `${kindLabels[m.kind]}${m.sequence ? ` ${m.sequence}` : ''}: ${statusLabels[m.status]}${m.lastError && (m.status === 'failed' || m.status === 'bounced' || m.status === 'queued') ? ` (${m.lastError})` : ''}`);
  appendAudit(deps.db, { ...who(res, deps), action: 'reminders.view', trialId: t.id, detail: { wave: w.name, count: list.length } });
  const mail = mailState(deps);
  sendPage(req, res, 'staff/reminders', {
    title: `Reminders: ${w.name} wave`, phase: phaseOf(t), trial: t, backLink: base(t), mail,
    sendHref: mail.configured ? `${base(t)}/${w.id}/send/reminder` : '',
    table: tableModel(`${plural(list.length, 'DSL has', 'DSLs have')} not completed the ${w.name} survey`, ['DSL id', 'School', 'Name', 'Email', 'Survey', 'Latest message', 'Reminders'],
      list.map((n) => [n.dslId, `${n.schoolName} (${n.urn})`, n.name, n.email, n.status, last.get(n.dslId) ?? 'none', optedOut.has(n.dslId) ? 'opted out' : 'yes']),
      'Everyone invited has completed this wave.'),
  });
}

function sendStepPage(req: Request, res: Response, deps: AppDeps, t: Trial, w: Wave, kind: 'invitation' | 'reminder', errors: ReturnType<typeof errorItems> = [], status = 200): void {
  const now = deps.clock();
  if (waveState(w, now) === 'closed') throw new ValidationError(`The ${w.name} wave has closed: no messages are sent for a closed wave.`);
  const s = getFieldworkSettings(deps.db, t.id);
  let count: number;
  let notes: string[];
  if (kind === 'invitation') {
    const p = previewInvitations(deps.db, t.id, w);
    count = p.due.length;
    notes = [`${plural(p.alreadyQueued, 'DSL has', 'DSLs have')} already been sent an invitation (or one is queued).`, `${plural(p.noEmail, 'DSL has', 'DSLs have')} no email address.`];
    if (now.toISOString() < w.opensAt) notes.unshift(`The wave opens on ${dateText(w.opensAt)}: the invitations wait until then.`);
  } else {
    const p = previewReminders(deps.db, t.id, w, now, 'manual');
    count = p.due.length;
    notes = [`${plural(p.completed, 'DSL has', 'DSLs have')} completed the survey: they get no more reminders.`, `${plural(p.optedOut, 'DSL', 'DSLs')} opted out of reminders.`,
      `${plural(p.notYetDue, 'DSL was', 'DSLs were')} sent a message less than a day ago.`, `${plural(p.hadEvery, 'DSL has', 'DSLs have')} had all ${s.reminderMax} reminders.`,
      `${plural(p.pending, 'DSL has', 'DSLs have')} a message still on its way.`, 'DSLs who withdrew are never reminded.'];
  }
  sendPage(req, res, 'staff/fieldwork-send', {
    title: `Send ${kind === 'invitation' ? 'invitations' : 'reminders'}: ${w.name} wave`, phase: phaseOf(t), trial: t, backLink: base(t), errors,
    kindText: kind === 'invitation' ? 'invitation' : 'reminder', count, countText: plural(count, kind), notes,
    action: `${base(t)}/${w.id}/send/${kind}`, previewHref: `${base(t)}/messages/${kind}`, rate: deps.config.mail.ratePerSecond,
    minutes: Math.max(1, Math.ceil(count / deps.config.mail.ratePerSecond / 60)), mail: mailState(deps),
  }, status);
}

// ---- settings and wording -------------------------------------------------------------------------------


function settingsPage(req: Request, res: Response, deps: AppDeps, t: Trial, form?: Record<string, string>, problems: FieldProblem[] = [], status = 200): void {
  const s = getFieldworkSettings(deps.db, t.id);
  const values = form ?? { 'auto-send': s.autoSend ? 'yes' : 'no', 'reminder-interval': String(s.reminderIntervalDays), 'reminder-max': String(s.reminderMax), 'thank-you': s.thankYou ? 'yes' : 'no', contact: s.contact };
  sendPage(req, res, 'staff/fieldwork-settings', {
    title: `Fieldwork settings: ${t.title}`, phase: phaseOf(t), trial: t, backLink: base(t), action: `${base(t)}/settings`,
    errors: errorItems(problems, null), fieldErrors: fieldMessages(FIELDWORK_SETTINGS_FIELDS, problems), values,
    yesNo: (name: string) => ['yes', 'no'].map((v) => ({ value: v, checked: values[name] === v })),
    autoSend: ['yes', 'no'].map((v) => ({ id: `auto-send-${v}`, value: v, label: v === 'yes' ? 'Yes: invitations go when a wave opens, reminders every interval' : 'No: only when someone presses send', checked: values['auto-send'] === v })),
    thankYou: ['yes', 'no'].map((v) => ({ id: `thank-you-${v}`, value: v, label: v === 'yes' ? 'Yes: thank DSLs when they complete' : 'No', checked: values['thank-you'] === v })),
  }, status);
}

function messagePage(req: Request, res: Response, deps: AppDeps, t: Trial, kind: TemplateKind, draft?: { subject: string; body: string }, problems: FieldProblem[] = [], status = 200): void {
  const saved = getTemplate(deps.db, t.id, kind);
  const current = draft ?? saved;
  const s = getFieldworkSettings(deps.db, t.id);
  const waves = listWaves(deps.db, t.id);
  let preview: { subject: string; text: string } | null = null;
  if (!problems.length) {
    const r = renderMessage(current, sampleValues(deps.config.publicUrl, t.title, s.contact, waves[waves.length - 1]?.closesAt ?? null, waves[waves.length - 1]?.name));
    preview = { subject: r.subject, text: r.text };
  }
  sendPage(req, res, 'staff/fieldwork-message', {
    title: `${kindLabels[kind]} wording: ${t.title}`, phase: phaseOf(t), trial: t, backLink: base(t), notice: noticeOf(req),
    kindLabel: kindLabels[kind].toLowerCase(), custom: saved.custom, subject: current.subject, body: current.body,
    errors: errorItems(problems, null), fieldErrors: fieldMessages(['subject', 'body'], problems), preview,
    fields: Object.entries(TEMPLATE_FIELDS).map(([name, what]) => ({ name: `{{${name}}}`, what })),
    action: `${base(t)}/messages/${kind}`, resetAction: `${base(t)}/messages/${kind}/reset`, testAction: `${base(t)}/messages/${kind}/test`,
    canTest: Boolean(deps.outbox), ownAddress: authOf(res).user.email, notify: deps.outbox?.sender === 'notify',
  }, status);
}


const formOf = (req: Request, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, field(req, n)]));

export const fieldworkRoutes: StaffRoute[] = [
  { method: 'get', path: '/trials/:trialId/fieldwork', roles: evaluatorRoles, summary: 'live fieldwork monitor and message states', handler: (req, res, deps) => monitorPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  { method: 'get', path: '/trials/:trialId/fieldwork/schools', roles: evaluatorRoles, summary: 'response rates by school (sortable)', handler: (req, res, deps) => schoolsPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  {
    method: 'get', path: '/trials/:trialId/fieldwork/schools.csv', roles: evaluatorRoles, summary: 'response rates by school (CSV)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const w = waveFromQuery(req, deps, t);
      const rows = schoolRows(deps, t, w).map((r) => ({ wave: w.name, urn: r.urn, school: r.school.replace(/ \(\d+\)$/, ''), arm: r.arm, local_authority: r.la, invited: r.invited, not_started: r.notStarted, partial: r.partial, complete: r.complete, paper: r.paper, response_rate: r.rate === null ? '' : r.rate.toFixed(4), opted_out: r.optedOut }));
      appendAudit(deps.db, { ...who(res, deps), action: 'fieldwork.download', trialId: t.id, detail: { wave: w.name, schools: rows.length } });
      res.set('Cache-Control', 'no-store').type('text/csv').attachment(`${t.id}-${w.name}-response-by-school.csv`)
        .send(toCsv(['wave', 'urn', 'school', 'arm', 'local_authority', 'invited', 'not_started', 'partial', 'complete', 'paper', 'response_rate', 'opted_out'], rows));
    },
  },
  {
    method: 'get', path: '/trials/:trialId/fieldwork/:waveId/reminders', roles: evaluatorRoles, summary: 'non-responders to remind, with their messages (names and emails)',
    handler: (req, res, deps) => { const t = trialOr404(deps, param(req, 'trialId')); remindersPage(req, res, deps, t, waveOr404(deps, t, param(req, 'waveId'))); },
  },
  {
    method: 'get', path: '/trials/:trialId/fieldwork/:waveId/send/:kind', roles: evaluatorRoles, summary: 'how many invitations or reminders will be sent, before sending',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const w = waveOr404(deps, t, param(req, 'waveId'));
      const kind = param(req, 'kind');
      if (kind !== 'invitation' && kind !== 'reminder') throw new NotFoundError('There is no such kind of message.');
      sendStepPage(req, res, deps, t, w, kind);
    },
  },
  {
    method: 'post', path: '/trials/:trialId/fieldwork/:waveId/send/:kind', roles: evaluatorRoles, summary: 'queue the invitations or reminders',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const w = waveOr404(deps, t, param(req, 'waveId'));
      const kind = param(req, 'kind');
      if (kind !== 'invitation' && kind !== 'reminder') throw new NotFoundError('There is no such kind of message.');
      if (!deps.outbox) throw new ValidationError(mailState(deps).text);
      const now = deps.clock();
      if (waveState(w, now) === 'closed') throw new ValidationError(`The ${w.name} wave has closed: no messages are sent for a closed wave.`);
      const by = who(res, deps);
      const queued = kind === 'invitation' ? queueInvitations(deps.db, t.id, w, deps.secret, by).queued : queueReminders(deps.db, t.id, w, now, by, 'manual').queued;
      deps.outbox.wake();
      res.redirect(303, `${base(t)}?done=${kind === 'invitation' ? 'invitations' : 'reminders'}&n=${queued}`);
    },
  },
  {
    method: 'post', path: '/trials/:trialId/fieldwork/:waveId/resend-uncertain', roles: evaluatorRoles, summary: 'send again the messages left uncertain by a stop',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const w = waveOr404(deps, t, param(req, 'waveId'));
      if (!deps.outbox) throw new ValidationError(mailState(deps).text);
      const by = who(res, deps);
      const n = deps.db.transaction(() => {
        const count = requeueUncertain(deps.db, t.id, w.id, by.at);
        appendAudit(deps.db, { ...by, action: 'messages.resend_uncertain', trialId: t.id, detail: { wave: w.name, count } });
        return count;
      })();
      deps.outbox.wake();
      res.redirect(303, `${base(t)}?done=resent&n=${n}`);
    },
  },
  { method: 'get', path: '/trials/:trialId/fieldwork/settings', roles: evaluatorRoles, summary: 'fieldwork settings (automatic sending, reminders, thank-yous)', handler: (req, res, deps) => settingsPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  {
    method: 'post', path: '/trials/:trialId/fieldwork/settings', roles: evaluatorRoles, summary: 'save fieldwork settings',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const form = formOf(req, FIELDWORK_SETTINGS_FIELDS);
      try {
        const input = parseFieldworkSettings(form);
        const by = who(res, deps);
        deps.db.transaction(() => {
          saveFieldworkSettings(deps.db, { trialId: t.id, ...input }, by);
          appendAudit(deps.db, { ...by, action: 'fieldwork.settings', trialId: t.id, detail: { autoSend: input.autoSend, reminderIntervalDays: input.reminderIntervalDays, reminderMax: input.reminderMax, thankYou: input.thankYou } });
        })();
        deps.outbox?.wake();
        res.redirect(303, `${base(t)}?done=settings`);
      } catch (err) {
        const p = problemsOrThrow(err);
        settingsPage(req, res, deps, t, form, p.problems, p.status);
      }
    },
  },
  { method: 'get', path: '/trials/:trialId/fieldwork/messages/:kind', roles: evaluatorRoles, summary: 'message wording with a preview', handler: (req, res, deps) => messagePage(req, res, deps, trialOr404(deps, param(req, 'trialId')), kindOr404(param(req, 'kind'))) },
  {
    method: 'post', path: '/trials/:trialId/fieldwork/messages/:kind', roles: evaluatorRoles, summary: 'save message wording (checked fields only)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const kind = kindOr404(param(req, 'kind'));
      const draft = { subject: field(req, 'subject'), body: String((req.body as Record<string, unknown> | undefined)?.body ?? '').replace(/\r\n/g, '\n').slice(0, 5000) };
      try {
        checkTemplateFor(kind, draft);
        const by = who(res, deps);
        deps.db.transaction(() => {
          saveTemplate(deps.db, t.id, kind, draft, by);
          appendAudit(deps.db, { ...by, action: 'fieldwork.template', trialId: t.id, detail: { kind } });
        })();
        res.redirect(303, `${base(t)}/messages/${kind}?done=template`);
      } catch (err) {
        const p = problemsOrThrow(err);
        messagePage(req, res, deps, t, kind, draft, p.problems, p.status);
      }
    },
  },
  {
    method: 'post', path: '/trials/:trialId/fieldwork/messages/:kind/reset', roles: evaluatorRoles, summary: 'put the default wording back',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const kind = kindOr404(param(req, 'kind'));
      deps.db.transaction(() => {
        resetTemplate(deps.db, t.id, kind);
        appendAudit(deps.db, { ...who(res, deps), action: 'fieldwork.template_reset', trialId: t.id, detail: { kind } });
      })();
      res.redirect(303, `${base(t)}/messages/${kind}?done=reset`);
    },
  },
  {
    method: 'post', path: '/trials/:trialId/fieldwork/messages/:kind/test', roles: evaluatorRoles, summary: 'send a test of the wording to my own address',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const kind = kindOr404(param(req, 'kind'));
      if (!deps.outbox) throw new ValidationError(mailState(deps).text);
      const by = who(res, deps);
      const to = authOf(res).user.email;
      const waves = listWaves(deps.db, t.id);
      deps.db.transaction(() => {
        enqueueMessages(deps.db, [{ dedupeKey: `test:${kind}:${deps.randomBytes(9).toString('base64url')}`, trialId: t.id, kind: 'test', waveId: waves[waves.length - 1]?.id ?? null, dslId: null, testAddress: to }], by);
        appendAudit(deps.db, { ...by, action: 'messages.test', trialId: t.id, detail: { kind } });
      })();
      deps.outbox.wake();
      res.redirect(303, `${base(t)}/messages/${kind}?done=test`);
    },
  },
];
