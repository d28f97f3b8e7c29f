// IPE summaries: Table 5 dosage categories rebuilt from session logs (Bolton report), fidelity intervals, ad-hoc counts, costs.
import { describe, it, expect } from 'vitest';
import { dosageSummary, fidelitySummary, adhocSummary, costSummary, evaluationFormSummary, type IpeSchool, type IpeSession } from '../../reports/analysis/ipe';

function school(urn: number, arm: 'intervention' | 'control', enrolment: IpeSchool['enrolment'] = 'enrolled'): IpeSchool {
  return { urn, laCode: '350', laName: 'Bolton', arm, enrolment };
}
let nextId = 1;
function session(urn: number, kind: IpeSession['kind'], heldOn: string, mode: IpeSession['mode'] = 'face_to_face'): IpeSession {
  return { id: nextId++, kind, mode, format: 'individual', heldOn, durationMinutes: 120, attendees: [{ dslId: `d${urn}`, urn }] };
}

// Bolton report Table 5: 13 introduction only, 6 plus one, 8 plus two, 18 plus three, 2 declined/missing (47 schools).
function boltonLike() {
  const schools: IpeSchool[] = [];
  const sessions: IpeSession[] = [];
  let urn = 1;
  const add = (n: number, formal: number) => {
    for (let i = 0; i < n; i++, urn++) {
      schools.push(school(urn, 'intervention'));
      sessions.push(session(urn, 'introduction', '2019-10-01'));
      for (let k = 0; k < formal; k++) sessions.push(session(urn, 'formal', ['2019-11-01', '2019-12-06', '2020-01-31'][k]));
    }
  };
  add(13, 0); add(6, 1); add(8, 2); add(18, 3);
  schools.push(school(urn++, 'intervention', 'declined'));
  schools.push(school(urn++, 'intervention'));
  for (let i = 0; i < 47; i++) schools.push(school(1000 + i, 'control'));
  return { schools, sessions };
}

describe('dosage (Table 5)', () => {
  it('reproduces the Bolton categories', () => {
    const { schools, sessions } = boltonLike();
    const d = dosageSummary(schools, sessions, 3);
    expect(d.categories.map((c) => [c.label, c.schools])).toEqual([
      ['Introductory meeting only', 13],
      ['Introduction plus one supervision session', 6],
      ['Introduction plus two supervision sessions', 8],
      ['Introduction plus three supervision sessions', 18],
      ['Declined to participate/missing information on attendance', 2],
    ]);
    expect(d.total).toBe(47);
  });

  it('dosage fraction counts the introduction as a session, maximum 4 (Bolton report, dose-response)', () => {
    const { schools, sessions } = boltonLike();
    const d = dosageSummary(schools, sessions, 3);
    expect(d.schools.find((s) => s.urn === 1)!.dosage).toBe(0.25);
    expect(d.schools.find((s) => s.urn === 30)!.dosage).toBe(1);
    expect(d.schools.find((s) => s.urn === 46)!.dosage).toBe(0);
  });

  it('labels the top category "or more" when a school exceeds the intended number', () => {
    const d = dosageSummary([school(1, 'intervention')], [session(1, 'introduction', '2020-01-01'), ...['2020-02-01', '2020-03-01', '2020-04-01', '2020-05-01'].map((x) => session(1, 'formal', x))], 3);
    expect(d.categories[3]).toEqual({ label: 'Introduction plus three or more supervision sessions', schools: 1 });
  });
});

describe('fidelity', () => {
  it('counts sessions against intended and intervals against 4-6 weeks', () => {
    const { schools, sessions } = boltonLike();
    const f = fidelitySummary(schools, sessions, 3, [4, 6]);
    // Formal delivered: 6x1 + 8x2 + 18x3 = 76 of 3 x 47 = 141.
    expect(f.formalDelivered).toBe(76);
    expect(f.formalIntended).toBe(141);
    expect(f.schoolsWithAllSessions).toBe(18);
    // Intervals per school with k formal sessions: k. 1 Oct -> 1 Nov = 31 days (4.43 weeks, within), 1 Nov -> 6 Dec = 35 days (5 weeks, within),
    // 6 Dec -> 31 Jan = 56 days (8 weeks, longer). Count = 6 + 16 + 54 = 76; longer = 18.
    expect(f.interval.count).toBe(76);
    expect(f.interval.longer).toBe(18);
    expect(f.interval.within).toBe(58);
    expect(f.interval.shorter).toBe(0);
  });
});

describe('ad-hoc support and costs', () => {
  it('counts ad-hoc contacts by mode', () => {
    const a = adhocSummary([session(1, 'adhoc', '2020-01-01', 'phone'), session(1, 'adhoc', '2020-01-02', 'email'), session(2, 'adhoc', '2020-01-03', 'phone'), session(2, 'formal', '2020-01-03')]);
    expect(a.byMode).toEqual({ phone: 2, email: 1, face_to_face: 0, online: 0 });
    expect(a.schools).toBe(2);
  });

  it('costs per school and per DSL: £1,500 per setting for 46 settings (Bolton: 46 of 47 took part)', () => {
    const c = costSummary([{ item: 'Supervision', amountPence: 150000, basis: 'per_school', note: null }, { item: 'Training', amountPence: 46000, basis: 'total', note: null }], 46, 50);
    expect(c.totalPence).toBe(150000 * 46 + 46000);
    expect(c.perSchoolPence).toBe(151000);
    expect(c.perDslPence).toBeCloseTo((150000 * 46 + 46000) / 50, 10);
  });
});

describe('evaluation forms', () => {
  it('groups the three-part questions and returns only selected quotes, unescaped (templates escape)', () => {
    const forms = [
      { responseId: 1, dslId: 'a', urn: 1, instrument: 'dsl-evaluation@1', answers: { dsl_evaluation_hours: 6, dsl_evaluation_feedback_01: 'x', dsl_evaluation_feedback_02: '<b>y</b>' } },
      { responseId: 2, dslId: 'b', urn: 2, instrument: 'dsl-evaluation@1', answers: { dsl_evaluation_hours: '8', dsl_evaluation_feedback_01: 'z' } },
    ];
    const s = evaluationFormSummary(forms, [
      { item: 'dsl_evaluation_hours', title: 'Hours', kind: 'number' },
      { item: 'dsl_evaluation_feedback_01', title: 'Feedback for your supervisor (1 of 3)', kind: 'text' },
      { item: 'dsl_evaluation_feedback_02', title: 'Feedback for your supervisor (2 of 3)', kind: 'text' },
    ], [{ responseId: 1, item: 'dsl_evaluation_feedback_02' }]);
    expect(s.questions.map((q) => q.title)).toEqual(['Hours', 'Feedback for your supervisor']);
    expect(s.questions[0].numeric).toEqual({ mean: 7, median: 7, min: 6, max: 8 });
    expect(s.questions[1].respondents).toBe(2);
    expect(s.questions[1].answers).toBe(3);
    expect(s.questions[1].quotes).toEqual([{ responseId: 1, item: 'dsl_evaluation_feedback_02', text: '<b>y</b>' }]);
  });
});
