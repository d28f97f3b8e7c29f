// The traded programme counts what was bought: a school in two packages has each session counted under the package it was delivered
// under (not all of them in each), a session whose package cannot be told is refused when logged, and ad-hoc advice is reported
// beside the sessions bought, never towards them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import { upsertSchools } from '../../server/storage/school-repo';
import { insertDsl } from '../../server/storage/dsl-repo';
import { logSession } from '../../server/storage/supervision-repo';
import { addPackage, createProgramme, loadProgrammeFacts } from '../../server/storage/programme-repo';
import { yearEndReport } from '../../server/domain/programme/year-end';
import { programmeReportPage } from '../../server/views/programme/render-report';
import { ValidationError } from '../../shared/errors';

const t = tempDb();
const at = '2025-07-20T10:00:00.000Z';
let twice: number; let shared: number;
const session = (dslIds: string[], extra: { packageId?: number; kind?: 'formal' | 'adhoc'; minutes?: number } = {}) => logSession(t.db, {
  trialId: 'prog', supervisorUserId: null, kind: extra.kind ?? 'formal', mode: 'face_to_face', heldOn: '2025-03-01', durationMinutes: extra.minutes ?? 120, dslIds, packageId: extra.packageId, at, actor: 'test',
});

beforeAll(() => {
  t.db.prepare("INSERT INTO local_authorities (code, name) VALUES ('881', 'Essex')").run();
  upsertSchools(t.db, [881001, 881002].map((urn) => ({ urn, name: `Setting ${urn}`, laCode: '881', laName: 'Essex', type: 'Academy', phase: 'Primary', pupils: 300, fsmPercent: 20, urbanRural: null, ofstedRating: null })), { synthetic: true });
  createProgramme(t.db, { id: 'prog', title: 'Essex 2024/25', laCode: '881', academicYear: '2024/25', at, actor: 'test' });
  const pkg = { pricePence: 150000, sessionsIncluded: 10, sessionMinutes: 120, maxSettings: 4, at, actor: 'test' };
  // 881001 bought two packages: one of its own, one shared with 881002
  twice = addPackage(t.db, 'prog', { ...pkg, name: 'Own package', urns: [881001] });
  shared = addPackage(t.db, 'prog', { ...pkg, name: 'Shared package', urns: [881001, 881002] });
  insertDsl(t.db, { id: 'dsl-a', trialId: 'prog', urn: 881001, role: null, name: 'A', email: 'a@example.org', createdAt: at });
  insertDsl(t.db, { id: 'dsl-b', trialId: 'prog', urn: 881002, role: null, name: 'B', email: 'b@example.org', createdAt: at });
  for (let k = 0; k < 10; k++) session(['dsl-a'], { packageId: twice });
  for (let k = 0; k < 10; k++) session(['dsl-a'], { packageId: shared });
  session(['dsl-a'], { packageId: shared, kind: 'adhoc', minutes: 20 });
  session(['dsl-b'], { kind: 'adhoc', minutes: 10 }); // 881002 is only in the shared package: no choice needed
});
afterAll(() => t.cleanup());

describe('sessions belong to the package they were delivered under', () => {
  it('each package of a school in two counts its own 10 sessions (20 h), not all 20 (40 h)', () => {
    const r = yearEndReport(loadProgrammeFacts(t.db, 'prog'));
    expect(r.packages.map((p) => [p.name, p.sessionsDelivered, p.hoursDelivered])).toEqual([['Own package', 10, 20], ['Shared package', 10, 20]]);
    expect([r.totals.sessionsBought, r.totals.sessionsDelivered, r.totals.hoursDelivered]).toEqual([20, 20, 40]);
  });
  it('ad-hoc advice is reported beside the sessions bought, never towards them', () => {
    const r = yearEndReport(loadProgrammeFacts(t.db, 'prog'));
    expect(r.packages.map((p) => [p.name, p.adhocContacts, p.adhocHours])).toEqual([['Own package', 0, 0], ['Shared package', 2, 0.5]]);
    expect([r.totals.adhocContacts, r.totals.adhocHours]).toEqual([2, 0.5]);
    expect(r.settings.map((s) => [s.urn, s.sessionsAttended, s.adhocContacts])).toEqual([[881001, 20, 1], [881002, 0, 1]]);
    const html = programmeReportPage(r);
    expect(html).toContain('Ad-hoc advice (not part of the sessions bought)');
    expect(html).toContain('2 contacts, 0.5 hours');
  });
  it('a session of a school in two packages without its package is refused, naming them, and stores nothing', () => {
    const before = t.db.prepare('SELECT count(*) AS n FROM supervision_sessions').get();
    let err: unknown;
    try { session(['dsl-a']); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([{ pointer: '/packageId', detail: 'These settings share 2 packages (Own package, Shared package): choose the package this session was delivered under.' }]);
    expect(() => session(['dsl-b'], { packageId: twice })).toThrow(/Select a package that every setting at this session has bought/);
    expect(t.db.prepare('SELECT count(*) AS n FROM supervision_sessions').get()).toEqual(before);
  });
  it('sessions logged before packages were recorded count under the only package their settings share, else under none (said)', () => {
    const ins = t.db.prepare("INSERT INTO supervision_sessions (trial_id, kind, mode, format, held_on, duration_minutes, created_at) VALUES ('prog', 'formal', 'online', 'individual', '2025-04-01', 60, ?)");
    const att = t.db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
    att.run(Number(ins.run(at).lastInsertRowid), 'dsl-b', 881002);
    att.run(Number(ins.run(at).lastInsertRowid), 'dsl-a', 881001);
    const r = yearEndReport(loadProgrammeFacts(t.db, 'prog'));
    expect(r.packages.map((p) => p.sessionsDelivered)).toEqual([10, 11]);
    expect(r.totals.unattributed).toBe(1);
    expect(programmeReportPage(r)).toContain('1 logged without a package by settings that share several packages');
  });
});
