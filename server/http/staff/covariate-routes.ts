// Evaluator page for school covariates beyond GIAS (ever-FSM, EAL, SEN support, KS2): the upload form, the imports held with their provenance, and how many schools have each value.
import path from 'node:path';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { COVARIATES, MISSING_CODES } from '../../domain/imports/covariates';
import { importCovariates, trialCovariates } from '../../storage/covariate-repo';
import type { Trial } from '../../storage/trial-repo';
import { dateTimeText } from '../../views/format';
import { tableModel } from '../../views/render';
import { authOf } from './auth';
import { errorItems, problemsOrThrow, sendPage } from './page';
import { trialOr404 } from './trial-routes';
import { uploadedFiles } from './upload-body';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');

function covariatesPage(req: Request, res: Response, deps: AppDeps, t: Trial, extra: { errors?: ReturnType<typeof errorItems>; notice?: string } = {}, status = 200): void {
  const held = trialCovariates(deps.db, t.id);
  const schools = (deps.db.prepare("SELECT count(*) AS n FROM trial_schools WHERE trial_id = ?").get(t.id) as { n: number }).n;
  const source = new Map(held.imports.map((i) => [i.id, i.source]));
  sendPage(req, res, 'staff/covariates', {
    title: `School covariates for ${t.title}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, errors: extra.errors ?? [], notice: extra.notice ?? '', backLink: `/staff/trials/${t.id}`,
    columns: COVARIATES.map((c) => ({ column: c.column, label: c.label })), missingCodes: MISSING_CODES.join(', '),
    held: tableModel('Covariates held', ['Covariate', 'DfE column', { text: 'Schools with a value', numeric: true }, { text: 'Missing (blank or coded)', numeric: true }, { text: `Not in any file (of ${schools} schools)`, numeric: true }, 'From'],
      COVARIATES.map((c) => {
        const values = held.values.filter((v) => v.covariate === c.key);
        const withValue = values.filter((v) => v.value !== null).length;
        return [c.label, c.column, withValue, values.length - withValue, Math.max(0, schools - values.length), [...new Set(values.map((v) => source.get(v.importId) ?? ''))].join(', ') || '–'];
      })),
    imports: tableModel('Imports (provenance)', ['File', 'SHA-256', 'Imported', 'By', 'Columns', { text: 'Schools', numeric: true }],
      held.imports.map((i) => [i.source, i.sha256, dateTimeText(i.importedAt), i.importedBy, Object.values(i.covariates).join(', '), i.rows]), 'No covariates imported yet.'),
  }, status);
}

export const covariateRoutes: StaffRoute[] = [
  { method: 'get', path: '/trials/:trialId/covariates', roles: evaluatorRoles, summary: 'school covariates (FSM, EAL, SEN, KS2): upload form and imports held', handler: (req, res, deps) => covariatesPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))) },
  {
    method: 'post', path: '/trials/:trialId/covariates', roles: evaluatorRoles, summary: 'import school covariates CSV', upload: true,
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const file = uploadedFiles(req).find((f) => f.field === 'file');
      if (!file || !file.text.trim()) { covariatesPage(req, res, deps, t, { errors: [{ text: 'Select a CSV file of school covariates', href: '#covariates-file' }] }, 400); return; }
      const source = path.basename(file.filename || 'covariates.csv');
      try {
        const r = importCovariates(deps.db, file.text, { trialId: t.id, source, actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
        covariatesPage(req, res, deps, t, { notice: `Imported ${r.covariates.map((c) => c.column).join(', ')} for ${r.rows} schools from ${source}: ${r.added} values added, ${r.changed} changed, ${r.unchanged} unchanged.${r.ignored.length ? ` ${r.ignored.length} other column${r.ignored.length === 1 ? ' was' : 's were'} ignored.` : ''}` });
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        covariatesPage(req, res, deps, t, { errors: errorItems(problems, '#covariates-file'), notice: `Nothing was imported from ${source}: fix every line listed and upload the file again.` }, status);
      }
    },
  },
];
