// Dosage: number of intervention schools in each attendance category (Bolton report Table 5).
import { specHeader, wrappedLabelExpr, type Chart } from './chart';

export interface DosageRow { category: string; schools: number }

export interface DosageInput { id: string; rows: DosageRow[] }

export function dosageChart(input: DosageInput): Chart<DosageRow> {
  const total = input.rows.reduce((s, r) => s + r.schools, 0);
  const top = input.rows.reduce<DosageRow | undefined>((a, r) => (!a || r.schools > a.schools ? r : a), undefined);
  const summary = `Attendance at supervision sessions for ${total} intervention school${total === 1 ? '' : 's'}`
    + (top ? `; the largest group is "${top.category}" (${top.schools}).` : '.');
  const title = 'Attendance at supervision sessions';
  return {
    id: input.id,
    title,
    summary,
    rows: input.rows.map((r) => ({ ...r })),
    spec: {
      ...specHeader(title, summary),
      width: 320,
      height: { step: 32 },
      layer: [
        { mark: { type: 'bar', color: '#1b6ca8' }, encoding: { y: { field: 'category', type: 'nominal', sort: input.rows.map((r) => r.category), title: null, axis: { labelLimit: 0, labelExpr: wrappedLabelExpr(input.rows.map((r) => r.category), 30) } }, x: { field: 'schools', type: 'quantitative', title: 'Number of schools', axis: { tickMinStep: 1 } } } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { y: { field: 'category', type: 'nominal', sort: input.rows.map((r) => r.category) }, x: { field: 'schools', type: 'quantitative' }, text: { field: 'schools', type: 'quantitative' } } },
      ],
    },
  };
}
