// Evaluator exports (tidy CSV long/wide, codebook, R and Stata scripts) and the DSL withdrawal-and-erasure action.
import type { Request, Response } from 'express';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { NotFoundError } from '../../domain/errors';
import { buildExport, exportFiles, isExportFile } from '../../domain/exports/bundle';
import { erasureEffects, parseErasureMode } from '../../domain/erasure/request';
import { scoreRowsForExport } from '../../storage/export-repo';
import { withdrawOrErase } from '../../storage/erasure-repo';
import { appendAudit } from '../../storage/audit-repo';
import { getRegistry } from '../../../instruments/registry';
import { authOf } from './auth';
import { field } from './body';
import { sendPage } from './page';
import { trialOr404 } from './trial-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');

/** Instrument titles by 'id@version', for codebook labels. */
export function instrumentTitles(): Record<string, string> {
  return Object.fromEntries(getRegistry().list().map((d) => [d.key, d.title]));
}

function dslOr404(res: Response, db: Parameters<typeof scoreRowsForExport>[0], trialId: string, dslId: string): { id: string; status: string; urn: number } {
  const d = db.prepare('SELECT id, status, urn FROM dsls WHERE id = ? AND trial_id = ?').get(dslId, trialId) as { id: string; status: string; urn: number } | undefined;
  if (!d) throw new NotFoundError('There is no such DSL in this trial.');
  return d;
}

export const dataRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/exports', roles: evaluatorRoles, summary: 'export files list',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      sendPage(req, res, 'staff/exports', { title: `Exports: ${t.title}`, trial: t, phase: t.isDemo ? 'DEMO' : 'BETA', backLink: `/staff/trials/${t.id}`, files: exportFiles.map((f) => ({ name: f, href: `/staff/trials/${t.id}/exports/${f}` })) });
    },
  },
  {
    method: 'get', path: '/trials/:trialId/exports/:file', roles: evaluatorRoles, summary: 'download one export file',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const file = param(req, 'file');
      if (!isExportFile(file)) throw new NotFoundError('There is no such export file.');
      const files = buildExport(t.id, scoreRowsForExport(deps.db, t.id), instrumentTitles());
      appendAudit(deps.db, { at: deps.clock().toISOString(), actor: actorOf(authOf(res).user), action: 'export', trialId: t.id, detail: { file } });
      res.set('Cache-Control', 'no-store').type(file.endsWith('.csv') ? 'text/csv' : 'text/plain').attachment(`${t.id}-${file}`).send(files[file]);
    },
  },
  {
    method: 'get', path: '/trials/:trialId/dsls/:dslId/erase', roles: evaluatorRoles, summary: 'withdrawal/erasure confirmation page',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const d = dslOr404(res, deps.db, t.id, param(req, 'dslId'));
      sendPage(req, res, 'staff/erase', { title: `Withdraw or erase ${d.id}`, trial: t, dsl: d, effects: erasureEffects, backLink: `/staff/trials/${t.id}/dsls`, done: '' });
    },
  },
  {
    method: 'post', path: '/trials/:trialId/dsls/:dslId/erase', roles: evaluatorRoles, summary: 'withdraw or erase a DSL (one action)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const d = dslOr404(res, deps.db, t.id, param(req, 'dslId'));
      const mode = parseErasureMode(field(req, 'mode'));
      const result = withdrawOrErase(deps.db, t.id, d.id, mode, { actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
      const n = result.deleted;
      const done = mode === 'erase'
        ? `Erased ${d.id}: ${n.contacts} contact record, ${n.responses} responses, ${n.snapshots} answer snapshots, ${n.scores} scores, ${n.attendances} supervision attendances and ${n.invitations} invitations deleted.`
        : `${d.id} has withdrawn: ${result.linksClosed} invitation links now say the survey has closed, no new invitations will be issued, and answers already given are kept under the pseudonymous id.`;
      sendPage(req, res, 'staff/erase', { title: `Withdraw or erase ${d.id}`, trial: t, dsl: { ...d, status: mode === 'erase' ? 'erased' : 'withdrawn' }, effects: erasureEffects, backLink: `/staff/trials/${t.id}/dsls`, done });
    },
  },
];
