// Histogram of an outcome by trial arm, one panel per arm (Bolton report Figure 2 and Appendix E), for survey scores or proportions of pupils.
import { ARM_COLOURS, specHeader, type ArmLabel, type Chart } from './chart';

export interface HistogramRow { arm: ArmLabel; value: number }

export interface HistogramInput {
  id: string;
  /** What the values are, e.g. "Contacts leading to NFA as proportion of pupils". */
  outcomeLabel: string;
  /** 'proportion': values in [0, 1], axis shown as percentages of pupils; 'score': survey scale points. */
  kind: 'score' | 'proportion';
  values: HistogramRow[];
  /** Bin width in outcome units; default: about 20 bins. */
  binStep?: number;
}

/** Builds the spec: counts of schools (proportion outcomes) or DSLs (scores) per bin, one row of the facet per arm. */
export function outcomeHistogram(input: HistogramInput): Chart<HistogramRow> {
  const unit = input.kind === 'proportion' ? 'schools' : 'DSLs';
  const counts = (arm: ArmLabel) => input.values.filter((v) => v.arm === arm).length;
  const summary = `Distribution of ${input.outcomeLabel.toLowerCase()} in the intervention arm (${counts('Intervention')} ${unit}) and the control arm (${counts('Control')} ${unit}), one histogram per arm.`;
  const title = `${input.outcomeLabel}, by trial arm`;
  const bin = input.binStep ? { step: input.binStep } : { maxbins: 20 };
  return {
    id: input.id,
    title,
    summary,
    rows: input.values.map((v) => ({ arm: v.arm, value: v.value })),
    spec: {
      ...specHeader(title, summary),
      facet: { row: { field: 'arm', type: 'nominal', title: null, sort: 'descending', header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } } },
      spec: {
        width: 440,
        height: 120,
        mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'value', type: 'quantitative', bin,
            title: input.kind === 'proportion' ? `${input.outcomeLabel} (% of pupils)` : input.outcomeLabel,
            axis: input.kind === 'proportion' ? { format: '.1%' } : {},
          },
          y: { aggregate: 'count', type: 'quantitative', title: `Number of ${unit}` },
          color: { field: 'arm', type: 'nominal', legend: null, scale: { domain: Object.keys(ARM_COLOURS), range: Object.values(ARM_COLOURS) } },
        },
      },
      resolve: { scale: { x: 'shared' } },
    },
  };
}
