// The evaluator's reading of a trial's records of supervision: each record with the form's wording, DSLs by pseudonymous id only, audited.
import type { StaffRoute } from './route-table';
import { dateText, dateTimeText, instrumentNames } from '../../views/format';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { RECORD_INSTRUMENT } from '../../domain/session-forms/forms';
import { getRegistry } from '../../../instruments/registry';
import { listSupervisionRecords } from '../../storage/supervision-repo';
import { appendAudit } from '../../storage/audit-repo';
import { authOf } from './auth';
import { sendPage } from './page';
import { trialOr404 } from './trial-routes';
import { kindLabels, questionTitles } from './supervision-routes';

export const recordRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/records', roles: evaluatorRoles, summary: 'records of supervision (pseudonymised)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, String(req.params.trialId));
      const def = getRegistry().get(RECORD_INSTRUMENT);
      const titles = questionTitles(def.survey);
      const records = listSupervisionRecords(deps.db, t.id).map((r) => ({
        heading: `${dateText(r.heldOn)}, ${kindLabels[r.kind] ?? r.kind}: DSL ${r.dslId} (school ${r.urn})`,
        updated: dateText(r.updatedAt),
        answers: def.items.filter((i) => i.id !== 'supervision_record_dsl' && r.answers[i.id] !== undefined && r.answers[i.id] !== '')
          .map((i) => ({ question: titles.get(i.id) ?? i.id, answer: i.kind === 'date' ? dateText(String(r.answers[i.id])) : String(r.answers[i.id]) })),
      }));
      appendAudit(deps.db, { at: deps.clock().toISOString(), actor: actorOf(authOf(res).user), action: 'records.view', trialId: t.id, detail: { records: records.length } });
      sendPage(req, res, 'staff/records', { title: 'Records of supervision', phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, records, backLink: `/staff/trials/${t.id}` });
    },
  },
];
