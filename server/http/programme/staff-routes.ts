// Staff page for a programme's year-end report: evaluators see any programme, LA officers only their own LA's (404 otherwise).
import type { StaffRoute } from '../staff/route-table';
import { authOf } from '../staff/auth';
import { sendPage } from '../staff/page';
import { NotFoundError } from '../../../shared/errors';
import { getProgramme, loadProgrammeFacts } from '../../storage/programme-repo';
import { yearEndReport } from '../../domain/programme/year-end';
import { reportViewModel } from '../../views/programme/render-report';

export const programmeStaffRoutes: readonly StaffRoute[] = [
  {
    method: 'get', path: '/programmes/:programmeId/report', roles: ['admin', 'evaluator', 'la_officer'], summary: 'year-end report of a programme outside a trial (officers: own LA only)',
    handler: (req, res, deps) => {
      const { user } = authOf(res);
      const prog = getProgramme(deps.db, String(req.params.programmeId));
      if (!prog || (user.role === 'la_officer' && user.laCode !== prog.laCode)) throw new NotFoundError('There is no such programme.');
      const report = yearEndReport(loadProgrammeFacts(deps.db, prog.id));
      sendPage(req, res, 'programme/report', { title: `${report.title}: year-end report`, phase: prog.isDemo ? 'DEMO' : 'BETA', backLink: `/staff/programmes/${encodeURIComponent(prog.id)}`, ...reportViewModel(report) });
    },
  },
];
