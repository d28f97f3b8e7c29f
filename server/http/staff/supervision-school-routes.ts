// Supervisor console: one of their schools: its DSLs, where its schedule stands, and the sessions held there with each DSL's forms returned and records written.
import type { Request } from 'express';
import type { StaffRoute } from './route-table';
import { NotFoundError } from '../../../shared/errors';
import { listSessions, supervisorTrials } from '../../storage/supervision-repo';
import { attendeeFormProgress } from '../../storage/session-form-repo';
import { sessionFormsFor } from '../../domain/session-forms/forms';
import { dateText } from '../../views/format';
import { authOf } from './auth';
import { sendPage } from './page';
import { dueText, kindLabels, modeLabels, mySchools, outstandingText, shownDate, STATE_TAGS, workRows } from './supervision-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');

export const supervisionSchoolRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/supervision/:trialId/schools/:urn', roles: ['supervisor'], summary: 'one of the supervisor\'s schools: DSLs, schedule, sessions with forms and records',
    handler: (req, res, deps) => {
      const me = authOf(res).user;
      const t = supervisorTrials(deps.db, me.id).find((x) => x.id === param(req, 'trialId'));
      if (!t) throw new NotFoundError('There is no such trial among yours.');
      const schools = mySchools(deps, me.id, t.id);
      const school = schools.find((s) => String(s.urn) === param(req, 'urn'));
      if (!school) throw new NotFoundError('There is no such school among yours.');
      const allSessions = listSessions(deps.db, { trialId: t.id, supervisorUserId: me.id });
      const row = workRows(deps, me.id, t, schools, allSessions).find((r) => r.urn === school.urn)!;
      const names = new Map(school.dsls.map((d) => [d.id, d.name]));
      const progress = attendeeFormProgress(deps.db, t.id, me.id).filter((p) => p.urn === school.urn);
      const sessions = allSessions.filter((s) => s.attendees.some((a) => a.urn === school.urn)).map((s) => {
        const here = progress.filter((p) => p.sessionId === s.id);
        const expected = sessionFormsFor(s.kind).length * here.length;
        const returned = here.reduce((n, p) => n + Math.min(p.returned, sessionFormsFor(s.kind).length), 0);
        const written = here.filter((p) => p.recordWritten).length;
        return {
          when: dateText(s.heldOn), href: `/staff/supervision/${t.id}/sessions/${s.id}`, kind: kindLabels[s.kind], mode: modeLabels[s.mode], format: s.format,
          dsls: s.attendees.filter((a) => a.urn === school.urn).map((a) => names.get(a.dslId) ?? a.dslId).join(', '),
          forms: `${returned} of ${expected} returned`, records: s.kind === 'adhoc' ? '–' : `${written} of ${here.length} written`,
          outstanding: returned < expected || (s.kind !== 'adhoc' && written < here.length),
        };
      });
      sendPage(req, res, 'staff/supervision-school', {
        title: `${school.name} (${school.urn})`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, backLink: '/staff/supervision',
        dsls: school.dsls.map((d) => (d.status === 'active' ? d.name : `${d.name} (withdrawn)`)), tag: STATE_TAGS[row.state],
        last: shownDate(row.last), held: row.held, due: dueText(row), outstanding: outstandingText(row),
        logHref: `/staff/supervision/${t.id}/sessions/new?school=${school.urn}`, sessions,
      });
    },
  },
];
