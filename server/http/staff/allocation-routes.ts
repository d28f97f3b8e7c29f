// Evaluator console: the trial's allocation, schools listed by arm with where the allocation came from and how many balance previews preceded it, and its CSV download (both audited).
import type { StaffRoute } from './route-table';
import { dateText } from '../../views/format';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { allocationFiles, previewsBefore } from '../../storage/allocation-export-repo';
import { appendAudit } from '../../storage/audit-repo';
import { tableModel } from '../../views/render';
import { authOf } from './auth';
import { sendPage } from './page';
import { trialOr404 } from './trial-routes';

export const allocationRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/allocation', roles: evaluatorRoles, summary: 'the allocation: schools by arm, its provenance and previews',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, String(req.params.trialId));
      const files = allocationFiles(deps.db, t.id);
      const r = files.randomisation;
      const previews = previewsBefore(deps.db, t.id, r.createdAt);
      appendAudit(deps.db, { at: deps.clock().toISOString(), actor: actorOf(authOf(res).user), action: 'allocation.view', trialId: t.id, detail: { schools: files.schools.length } });
      const byArm = (arm: 'intervention' | 'control') => tableModel(`${arm === 'intervention' ? 'Intervention' : 'Control'} arm: ${files.schools.filter((s) => s.arm === arm).length} schools`,
        ['URN', 'School', 'LA', 'Stratum', 'Status'], files.schools.filter((s) => s.arm === arm).map((s) => [{ text: s.urn, header: true }, s.name, s.laCode, s.stratum, s.status]), 'None.');
      sendPage(req, res, 'staff/allocation', {
        title: `Allocation of ${t.title}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, backLink: `/staff/trials/${t.id}`,
        facts: [
          { label: 'Source', value: files.imported ? `Imported: made outside dslkit (${r.method.replace(/^imported: /, '')}) with ${r.algorithmVersion}` : `dslkit ${r.algorithmVersion}, method ${r.method}` },
          { label: 'Seed', value: String(r.seed) },
          { label: files.imported ? 'Made on' : 'Locked on', value: dateText(r.createdAt) },
          { label: files.imported ? 'Allocation file SHA-256' : 'Input SHA-256', value: r.inputSha256 },
          { label: 'Balance previews before it was locked', value: files.imported ? 'not applicable (made elsewhere)' : `${previews.count}${previews.count ? ` (seeds ${previews.seeds.join(', ')})` : ''}` },
          ...(files.inputMatches === false ? [{ label: 'Check', value: 'The schools\' details have changed since randomisation: the rebuilt input no longer has the recorded SHA-256.' }] : []),
        ],
        intervention: byArm('intervention'), control: byArm('control'),
      });
    },
  },
  {
    method: 'get', path: '/trials/:trialId/allocation.csv', roles: evaluatorRoles, summary: 'download the allocation (CSV, the file randomise --verify reads)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, String(req.params.trialId));
      const files = allocationFiles(deps.db, t.id);
      appendAudit(deps.db, { at: deps.clock().toISOString(), actor: actorOf(authOf(res).user), action: 'allocation.export', trialId: t.id, detail: { schools: files.schools.length, imported: files.imported, out: 'download' } });
      res.set('Cache-Control', 'no-store').type('text/csv').attachment(`${t.id}-allocation.csv`).send(files.allocation);
    },
  },
];
