// Evaluator console: the audit log as a readable table (names, dates in words, short detail), newest first, 50 a page, filtered by trial, action and person.
import type { StaffRoute } from './route-table';
import { evaluatorRoles } from '../../domain/auth/roles';
import { actionText, actorName, detailText } from '../../domain/audit/audit-text';
import { auditFacets, readAuditPage } from '../../storage/audit-repo';
import { listUsers } from '../../storage/user-repo';
import { tableModel } from '../../views/render';
import { dateText, dateTimeText, instrumentName } from '../../views/format';
import { sendPage } from './page';

export const AUDIT_PAGE_SIZE = 50;

export const auditRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/audit', roles: evaluatorRoles, summary: 'audit log viewer (paged, filtered by trial, action, person)',
    handler: (req, res, deps) => {
      const q = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');
      const facets = auditFacets(deps.db);
      const names = new Map(listUsers(deps.db).map((u) => [u.id, u.name]));
      // a filter value the log does not hold is ignored rather than showing an empty page that looks like "nothing happened"
      const filter = { trialId: facets.trials.includes(q('trial')) ? q('trial') : '', action: facets.actions.includes(q('action')) ? q('action') : '', actor: facets.actors.includes(q('person')) ? q('person') : '' };
      const requested = Number.parseInt(q('page'), 10);
      const first = readAuditPage(deps.db, { trialId: filter.trialId || undefined, action: filter.action || undefined, actor: filter.actor || undefined }, 1, 1);
      const pages = Math.max(1, Math.ceil(first.total / AUDIT_PAGE_SIZE));
      const page = Number.isFinite(requested) && requested >= 1 ? Math.min(requested, pages) : 1;
      const { entries, total } = readAuditPage(deps.db, { trialId: filter.trialId || undefined, action: filter.action || undefined, actor: filter.actor || undefined }, page, AUDIT_PAGE_SIZE);
      const link = (p: number) => `/staff/audit?${new URLSearchParams({ ...(filter.trialId ? { trial: filter.trialId } : {}), ...(filter.action ? { action: filter.action } : {}), ...(filter.actor ? { person: filter.actor } : {}), page: String(p) }).toString()}`;
      const from = total === 0 ? 0 : (page - 1) * AUDIT_PAGE_SIZE + 1;
      const to = Math.min(total, page * AUDIT_PAGE_SIZE);
      sendPage(req, res, 'staff/audit', {
        title: 'Audit log',
        trials: [{ value: '', text: 'All trials', selected: !filter.trialId }, ...facets.trials.map((t) => ({ value: t, text: t, selected: t === filter.trialId }))],
        actions: [{ value: '', text: 'All actions', selected: !filter.action }, ...facets.actions.map((a) => ({ value: a, text: actionText(a), selected: a === filter.action }))],
        people: [{ value: '', text: 'Everyone', selected: !filter.actor }, ...facets.actors.map((a) => ({ value: a, text: actorName(a, names), selected: a === filter.actor }))]
          .sort((a, b) => (a.value === '' ? -1 : b.value === '' ? 1 : a.text.localeCompare(b.text))),
        summary: total === 0 ? 'No entries match.' : `Showing ${from} to ${to} of ${total} entries, newest first.`,
        table: tableModel(null, ['When', 'Who', 'Action', 'Trial', 'Detail'],
          entries.map((e) => [dateTimeText(e.at), actorName(e.actor, names), actionText(e.action), e.trial_id, detailText(e.detail, instrumentName, dateText)]), 'Nothing recorded yet.'),
        pagination: pages > 1 ? {
          previous: page > 1 ? link(page - 1) : null,
          next: page < pages ? link(page + 1) : null,
          items: Array.from({ length: pages }, (_, i) => i + 1).filter((p) => p === 1 || p === pages || Math.abs(p - page) <= 1)
            .flatMap((p, i, arr) => [...(i > 0 && p - arr[i - 1] > 1 ? [{ ellipsis: true, number: 0, href: '', current: false }] : []), { ellipsis: false, number: p, href: link(p), current: p === page }]),
        } : null,
      });
    },
  },
];
