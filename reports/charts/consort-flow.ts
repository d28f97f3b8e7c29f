// Cluster CONSORT flow: boxes for schools and DSLs at each stage (assessed, excluded, randomised, allocated, received, did not receive, withdrew, followed up, analysed) by arm.
import { specHeader, wrappedLabelExpr, type Chart } from './chart';

export const CONSORT_STAGES = ['Assessed for eligibility', 'Excluded', 'Randomised', 'Allocated', 'Received allocated intervention', 'Did not receive allocated intervention', 'Withdrew', 'Followed up', 'Analysed'] as const;
export type ConsortStage = (typeof CONSORT_STAGES)[number];

export interface ConsortRow {
  stage: ConsortStage;
  /** 'All' for stages before allocation (assessed, excluded, randomised). */
  arm: 'All' | 'Intervention' | 'Control';
  schools: number;
  dsls: number;
  /** Box text, e.g. "47 schools, 51 DSLs". */
  label: string;
}

export interface ConsortInput { id: string; rows: Omit<ConsortRow, 'label'>[] }

/** One box per stage and arm, stages top to bottom, arms side by side; counts written in the boxes. */
export function consortFlow(input: ConsortInput): Chart<ConsortRow> {
  const rows: ConsortRow[] = input.rows.map((r) => ({ ...r, label: `${r.schools} school${r.schools === 1 ? '' : 's'}, ${r.dsls} DSL${r.dsls === 1 ? '' : 's'}` }));
  const find = (stage: ConsortStage, arm: ConsortRow['arm']) => rows.find((r) => r.stage === stage && r.arm === arm);
  const rand = find('Randomised', 'All');
  const ai = find('Analysed', 'Intervention');
  const ac = find('Analysed', 'Control');
  const summary = `Flow of schools and DSLs through the trial: ${rand ? rand.label : 'none'} randomised; analysed ${ai ? ai.label : 'none'} in the intervention arm and ${ac ? ac.label : 'none'} in the control arm.`;
  const title = 'Flow of schools and DSLs (CONSORT for cluster trials)';
  const x = { field: 'arm', type: 'nominal' as const, sort: ['All', 'Intervention', 'Control'], title: null, axis: { orient: 'top' as const, labelFontWeight: 'bold' as const, domain: false, ticks: false } };
  const y = { field: 'stage', type: 'nominal' as const, sort: [...CONSORT_STAGES], title: null, axis: { labelLimit: 0, labelExpr: wrappedLabelExpr([...CONSORT_STAGES], 16), domain: false, ticks: false } };
  return {
    id: input.id,
    title,
    summary,
    rows,
    spec: {
      ...specHeader(title, summary),
      width: { step: 160 },
      height: { step: 46 },
      config: { ...specHeader(title, summary).config, axis: { grid: false, labelFontSize: 11 } },
      layer: [
        { mark: { type: 'rect', fill: '#f4f7fb', stroke: '#1b3a57', strokeWidth: 1, cornerRadius: 3, width: { band: 0.9 }, height: { band: 0.75 } }, encoding: { x, y } },
        { mark: { type: 'text', fontSize: 11, color: '#111' }, encoding: { x, y, text: { field: 'label', type: 'nominal' } } },
      ],
    },
  };
}
