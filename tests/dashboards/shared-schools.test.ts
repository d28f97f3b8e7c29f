// Two studies on one page share schools (a trial's 12 schools, 10 of them also in the LA's programme): the outcome
// rates of the two sections must not differ by a handful of schools' outcomes, since pupil numbers are public.
import { describe, it, expect } from 'vitest';
import { buildDashboard } from '../../server/domain/dashboards/build-dashboard';
import type { DashboardFacts, StudyFacts, PublicTable } from '../../server/domain/dashboards/types';

const urns = Array.from({ length: 12 }, (_, i) => 700001 + i);
// Contacts per school in one month of 2024/25: the two trial-only schools have 2 and 3 (together 5).
const contacts = (urn: number) => (urn >= 700011 ? urn - 700009 : 6 + (urn % 3));
const outcomes = (list: number[]) => list.map((urn) => ({ urn, period: '2024-11', measure: 'contacts', count: contacts(urn) }));

function study(id: string, kind: 'trial' | 'programme', schools: number[]): StudyFacts {
  return {
    id, title: id, kind, isDemo: false,
    schools: schools.map((urn) => ({ urn, group: kind === 'programme' ? 'All settings' : 'Not yet allocated', phase: 'Primary', pupils: 200 })),
    dsls: [], waves: [], invitations: [], scores: [], sessions: [], adminOutcomes: outcomes(schools),
  };
}

const rateTable = (t: PublicTable) => t.rows.map((r) => r[2].text);

describe('outcome rates of studies that share schools', () => {
  it('hides one of the two rates, so the trial-only schools\' contacts cannot be worked out as a difference', () => {
    const facts: DashboardFacts = { la: { code: '770', name: 'Sharedshire' }, readAt: '2025-07-20T12:00:00.000Z', studies: [study('t', 'trial', urns), study('p', 'programme', urns.slice(0, 10))] };
    const { model } = buildDashboard(facts);
    const admin = model.studies.map((s) => s.blocks.find((b) => b.type === 'table' && b.table.id.endsWith('-admin')));
    const [trial, programme] = admin.map((b) => rateTable((b as { table: PublicTable }).table));
    // Each section alone has 10 or more schools, so each rate on its own could be shown; together they may not both be.
    expect([trial[0], programme[0]]).toContain('c');
    expect(facts.studies[0].adminOutcomes.filter((o) => o.urn >= 700011).reduce((a, o) => a + o.count, 0)).toBe(5);
  });

  it('shows both when no piece of fewer than 10 schools lies between them', () => {
    const many = Array.from({ length: 20 }, (_, i) => 700001 + i);
    const facts: DashboardFacts = { la: { code: '770', name: 'Sharedshire' }, readAt: '2025-07-20T12:00:00.000Z', studies: [study('t', 'trial', many), study('p', 'programme', many.slice(0, 10))] };
    const admin = buildDashboard(facts).model.studies.map((s) => s.blocks.find((b) => b.type === 'table' && b.table.id.endsWith('-admin')));
    const [trial, programme] = admin.map((b) => rateTable((b as { table: PublicTable }).table));
    expect(trial[0]).not.toBe('c');
    expect(programme[0]).not.toBe('c');
  });
});
