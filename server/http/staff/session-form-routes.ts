// The supervisor's page for one logged session: each attending DSL's own time-log and preparation-sheet links (with whether they were
// returned) to pass on, and the record of supervision for each DSL.
import type { Request } from 'express';
import type { StaffRoute } from './route-table';
import { NotFoundError } from '../../../shared/errors';
import { SESSION_FORM_LABEL } from '../../domain/session-forms/forms';
import { issueSessionForms, sessionFormsOf } from '../../storage/session-form-repo';
import { requireOwnSession, supervisedSchools, supervisorTrials, recordedDsls } from '../../storage/supervision-repo';
import { authOf } from './auth';
import { sendPage } from './page';
import { dateText } from '../../views/format';
import { kindLabels, modeLabels, topicText } from './supervision-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
const STATE_LABEL = { none: 'not started', partial: 'started, not sent', complete: 'returned' } as const;

export const sessionFormRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/supervision/:trialId/sessions/:sessionId', roles: ['supervisor'], summary: 'one session: DSLs\' form links and records',
    handler: (req, res, deps) => {
      const me = authOf(res).user;
      const t = supervisorTrials(deps.db, me.id).find((x) => x.id === param(req, 'trialId'));
      if (!t) throw new NotFoundError('There is no such trial among yours.');
      const s = requireOwnSession(deps.db, me.id, t.id, Number(param(req, 'sessionId')));
      const names = new Map(supervisedSchools(deps.db, me.id, t.id).flatMap((x) => x.dsls.map((d) => [d.id, d.name] as const)));
      // Links are re-derived from the server secret; this page only reads (a session logged before session forms gets them from the button).
      const { forms, missing } = sessionFormsOf(deps.db, deps.secret, s.id);
      const recorded = recordedDsls(deps.db, s.id);
      const dsls = s.attendees.map((a) => ({
        id: a.dslId, name: names.get(a.dslId) ?? a.dslId,
        forms: forms.filter((f) => f.dslId === a.dslId).map((f) => ({ label: SESSION_FORM_LABEL[f.instrument], link: `${deps.config.publicUrl}/s/${f.token}`, state: STATE_LABEL[f.state] })),
        record: { href: `/staff/supervision/${t.id}/sessions/${s.id}/record?dsl=${encodeURIComponent(a.dslId)}`, text: recorded.has(a.dslId) ? 'Open the record (written)' : 'Write the record' },
      }));
      sendPage(req, res, 'staff/session', { title: `Session on ${dateText(s.heldOn)}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, session: s, missing, createHref: `/staff/supervision/${t.id}/sessions/${s.id}/forms`, kind: kindLabels[s.kind], mode: modeLabels[s.mode], topics: topicText(s), dsls, backLink: '/staff/supervision' });
    },
  },
  {
    method: 'post', path: '/supervision/:trialId/sessions/:sessionId/forms', roles: ['supervisor'], summary: 'create the DSLs\' form links of a session logged before session forms',
    handler: (req, res, deps) => {
      const me = authOf(res).user;
      const t = supervisorTrials(deps.db, me.id).find((x) => x.id === param(req, 'trialId'));
      if (!t) throw new NotFoundError('There is no such trial among yours.');
      const s = requireOwnSession(deps.db, me.id, t.id, Number(param(req, 'sessionId')));
      issueSessionForms(deps.db, deps.secret, [s.id], deps.clock().toISOString());
      res.redirect(303, `/staff/supervision/${t.id}/sessions/${s.id}`);
    },
  },
];
