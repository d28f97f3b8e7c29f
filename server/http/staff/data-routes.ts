// Evaluator exports (the bundle as one zip or file by file: CSVs, codebook, R and Stata loaders, .dta, analysis.R) and the DSL withdrawal-and-erasure action.
import type { Request, Response } from 'express';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { NotFoundError } from '../../../shared/errors';
import { buildExportBundle, bundleFolderName, zipBundle } from '../../domain/exports/bundle';
import { erasureEffects, parseErasureMode } from '../../domain/erasure/request';
import { exportInputFor } from '../../storage/export-repo';
import type { Db } from '../../storage/db';
import { withdrawOrErase } from '../../storage/erasure-repo';
import { appendAudit } from '../../storage/audit-repo';
import { authOf } from './auth';
import { field } from './body';
import { sendPage } from './page';
import { trialOr404 } from './trial-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');

/** What each file of the bundle is, in the order the page lists them. */
const FILE_NOTES: Record<string, string> = {
  'schools.csv': 'one row per school: arm, stratum, status, pupils, covariates, LA outcomes as analysed, sessions and dosage',
  'dsls_wide.csv': 'one row per DSL: each scale at each wave side by side, and why a score is blank',
  'items_long.csv': 'every item answer of every completed survey and session form',
  'sessions.csv': 'supervision sessions by school',
  'outcomes_monthly.csv': 'LA outcome counts as imported, per school and month',
  'codebook.csv': 'every variable: label, type, unit, values, range, direction, scoring and missing-item rules, source',
  'codebook.md': 'the same codebook to read, with the export date and versions',
  'load.R': 'loads every CSV with labels (Rscript load.R)', 'load.do': 'loads every CSV with labels in Stata 14 or later (do load.do)',
  'schools.dta': 'schools as a Stata file with labels', 'dsls_wide.dta': 'DSLs as a Stata file with labels',
  'analysis.R': 're-runs the arm-comparison report\'s models and prints the estimates',
};

function dslOr404(res: Response, db: Db, trialId: string, dslId: string): { id: string; status: string; urn: number } {
  const d = db.prepare('SELECT id, status, urn FROM dsls WHERE id = ? AND trial_id = ?').get(dslId, trialId) as { id: string; status: string; urn: number } | undefined;
  if (!d) throw new NotFoundError('There is no such DSL in this trial.');
  return d;
}

export const dataRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/exports', roles: evaluatorRoles, summary: 'export bundle: what it holds and the downloads',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      sendPage(req, res, 'staff/exports', {
        title: `Exports: ${t.title}`, trial: t, phase: t.isDemo ? 'DEMO' : 'BETA', backLink: `/staff/trials/${t.id}`,
        zipHref: `/staff/trials/${t.id}/exports/${t.id}-export.zip`,
        files: Object.entries(FILE_NOTES).map(([name, note]) => ({ name, note, href: `/staff/trials/${t.id}/exports/${name}` })),
      });
    },
  },
  {
    method: 'get', path: '/trials/:trialId/exports/:file', roles: evaluatorRoles, summary: 'download the export bundle (zip) or one of its files',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const file = param(req, 'file');
      const zip = file === `${t.id}-export.zip`;
      if (!zip && !(file in FILE_NOTES)) throw new NotFoundError('There is no such export file.');
      const input = exportInputFor(deps.db, t.id, deps.secret, deps.clock());
      const files = buildExportBundle(input);
      appendAudit(deps.db, { at: deps.clock().toISOString(), actor: actorOf(authOf(res).user), action: 'export', trialId: t.id, detail: { file } });
      res.set('Cache-Control', 'no-store');
      if (zip) { res.type('application/zip').attachment(`${bundleFolderName(t.id, input.provenance.exportedAt)}.zip`).send(zipBundle(files, bundleFolderName(t.id, input.provenance.exportedAt))); return; }
      const type = file.endsWith('.csv') ? 'text/csv' : file.endsWith('.dta') ? 'application/x-stata-dta' : file.endsWith('.md') ? 'text/markdown' : 'text/plain';
      // Downloaded one by one, each keeps its own name, so load.R and load.do find the CSVs beside them.
      res.type(type).attachment(file).send(files[file]);
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
          + (result.purged ? ' The deleted data was overwritten in the database file and its write-ahead log, so later backups do not hold it.'
            : ' Older copies remain in the write-ahead log until its next full checkpoint (when the server stops at the latest): take no backup before then.')
        : `${d.id} has withdrawn: ${result.linksClosed} invitation links now say the survey has closed, no new invitations will be issued, and answers already given are kept under the pseudonymous id.`;
      sendPage(req, res, 'staff/erase', { title: `Withdraw or erase ${d.id}`, trial: t, dsl: { ...d, status: mode === 'erase' ? 'erased' : 'withdrawn' }, effects: erasureEffects, backLink: `/staff/trials/${t.id}/dsls`, done });
    },
  },
];
