// Evaluator console: the trial's schools with their status (excluded, declined, withdrawn, attendance record missing) and the form that records one, with its date and reason (audited).
import type { Request, Response } from 'express';
import type { StaffRoute } from './route-table';
import { dateText } from '../../views/format';
import type { AppDeps } from '../../deps';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { DslkitError, type FieldProblem } from '../../../shared/errors';
import { SCHOOL_STATUS_INPUTS, SCHOOL_STATUS_MEANING } from '../../domain/school-status/rules';
import { listSchoolStatuses, recordSchoolStatus } from '../../storage/school-status-repo';
import { tableModel } from '../../views/render';
import { authOf } from './auth';
import { field } from './body';
import { errorItems, sendPage } from './page';
import { trialOr404 } from './trial-routes';
import type { Trial } from '../../storage/trial-repo';

const statusLabel: Record<string, string> = { enrolled: 'Taking part', excluded: 'Excluded before randomisation', declined: 'Declined after allocation', withdrawn: 'Withdrawn' };

function schoolsPage(req: Request, res: Response, deps: AppDeps, t: Trial, extra: { problems?: FieldProblem[]; notice?: string } = {}, status = 200): void {
  const rows = listSchoolStatuses(deps.db, t.id);
  const problems = extra.problems ?? [];
  const fieldError = (name: string) => problems.filter((p) => p.pointer === `/${name}`).map((p) => p.detail).join(' ');
  const form = { urn: field(req, 'urn'), status: field(req, 'status'), date: field(req, 'date'), reason: field(req, 'reason') };
  const counted = (pick: (r: (typeof rows)[number]) => boolean) => rows.filter(pick).length;
  sendPage(req, res, 'staff/schools', {
    title: `Schools in ${t.title}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, backLink: `/staff/trials/${t.id}`,
    errors: errorItems(problems.map((p) => ({ ...p, pointer: ['/urn', '/status', '/date', '/reason'].includes(p.pointer) ? p.pointer : '' })), '#urn'),
    notice: extra.notice ?? recordedNotice(req),
    summary: [
      { label: 'Schools in the trial', value: rows.length },
      { label: 'Excluded before randomisation', value: counted((r) => r.status === 'excluded') },
      { label: 'Declined after allocation', value: counted((r) => r.status === 'declined') },
      { label: 'Withdrawn', value: counted((r) => r.status === 'withdrawn') },
      { label: 'Attendance record missing', value: counted((r) => r.attendanceMissingOn !== null) },
    ],
    table: tableModel(null, ['URN', 'School', 'Arm', 'Status', 'Since', 'Reason', 'Attendance record'], rows.map((r) => [
      { text: r.urn, header: true }, r.name, r.arm ?? 'not allocated', statusLabel[r.status] ?? r.status, r.statusOn ? dateText(r.statusOn) : null, r.statusReason,
      r.attendanceMissingOn ? `missing since ${dateText(r.attendanceMissingOn)}: ${r.attendanceMissingReason}` : r.arm === 'intervention' ? 'kept' : '–',
    ]), 'No schools imported yet.'),
    form,
    statuses: SCHOOL_STATUS_INPUTS.map((s) => ({ value: s, meaning: SCHOOL_STATUS_MEANING[s], checked: form.status === s, id: `status-${s}` })),
    fieldErrors: { urn: fieldError('urn'), status: fieldError('status'), date: fieldError('date'), reason: fieldError('reason') },
  }, status);
}

/** After the redirect: what the last post did. */
function recordedNotice(req: Request): string {
  const urn = typeof req.query.recorded === 'string' && /^\d{1,8}$/.test(req.query.recorded) ? req.query.recorded : null;
  if (!urn) return '';
  return req.query.changed === '1' ? `Recorded the new status of URN ${urn}.` : `URN ${urn} already had that status, date and reason: nothing changed.`;
}

export const schoolStatusRoutes: StaffRoute[] = [
  { method: 'get', path: '/trials/:trialId/schools', roles: evaluatorRoles, summary: "schools and their statuses, and the status form", handler: (req, res, deps) => schoolsPage(req, res, deps, trialOr404(deps, String(req.params.trialId))) },
  {
    method: 'post', path: '/trials/:trialId/school-status', roles: evaluatorRoles, summary: "record a school's status (excluded, declined, withdrawn, attendance record missing)",
    handler: (req, res, deps) => {
      const t = trialOr404(deps, String(req.params.trialId));
      const urnText = field(req, 'urn');
      if (!/^\d{1,8}$/.test(urnText)) { schoolsPage(req, res, deps, t, { problems: [{ pointer: '/urn', detail: urnText === '' ? "Enter the school's URN." : `"${urnText}" is not a URN (a whole number).` }] }, 400); return; }
      try {
        const r = recordSchoolStatus(deps.db, t.id, Number(urnText), { status: field(req, 'status'), date: field(req, 'date'), reason: field(req, 'reason') }, { actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
        res.redirect(303, `/staff/trials/${t.id}/schools?recorded=${r.urn}&changed=${r.changed ? 1 : 0}`);
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        schoolsPage(req, res, deps, t, { problems: err.problems.length ? err.problems : [{ pointer: '', detail: err.message }], notice: 'Nothing was recorded: correct the form and send it again.' }, err.status === 404 ? 400 : err.status);
      }
    },
  },
];
