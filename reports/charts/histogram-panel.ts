// Small multiples of outcome histograms (Bolton report Appendix E): one panel per outcome, both arms overlaid, bins computed here so one chart serves many outcomes.
import { ARM_COLOURS, specHeader, wrapText, type ArmLabel, type Chart } from './chart';

export interface HistogramPanelRow { outcome: string; arm: ArmLabel; binStart: number; binEnd: number; count: number }

export interface HistogramPanelInput {
  id: string;
  title: string;
  kind: 'score' | 'proportion';
  outcomes: { label: string; values: { arm: ArmLabel; value: number }[] }[];
  /** Bins per outcome (default 15). */
  bins?: number;
}

/** Equal-width bins over [min, max] of each outcome, counted per arm (empty bins kept so both arms share the edges). */
export function binOutcome(label: string, values: { arm: ArmLabel; value: number }[], bins: number): HistogramPanelRow[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values.map((v) => v.value));
  const hi = Math.max(...values.map((v) => v.value));
  const width = hi > lo ? (hi - lo) / bins : 1;
  const rows: HistogramPanelRow[] = [];
  for (const arm of ['Intervention', 'Control'] as ArmLabel[]) {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) if (v.arm === arm) counts[Math.min(bins - 1, Math.floor((v.value - lo) / width))]++;
    counts.forEach((count, b) => rows.push({ outcome: label, arm, binStart: lo + b * width, binEnd: lo + (b + 1) * width, count }));
  }
  return rows;
}

export function outcomeHistogramPanel(input: HistogramPanelInput): Chart<HistogramPanelRow> {
  const bins = input.bins ?? 15;
  const rows = input.outcomes.flatMap((o) => binOutcome(o.label, o.values, bins));
  const unit = input.kind === 'proportion' ? 'schools' : 'DSLs';
  const summary = `Histograms of ${input.outcomes.length} outcome${input.outcomes.length === 1 ? '' : 's'} (${input.outcomes.map((o) => o.label).join('; ')}), intervention and control arms overlaid, counting ${unit} in ${bins} equal-width bins per outcome.`;
  return {
    id: input.id,
    title: input.title,
    summary,
    rows,
    spec: {
      ...specHeader(input.title, summary),
      // One panel per outcome, two to a row; each panel's title is the outcome wrapped onto lines, so the figure
      // fits the printed page (a facet's header labels cannot wrap).
      columns: 2,
      concat: input.outcomes.map((o) => ({
        title: { text: wrapText(o.label, 36), fontSize: 11, fontWeight: 'normal' as const, anchor: 'middle' as const },
        transform: [{ filter: { field: 'outcome', equal: o.label } }],
        width: 220,
        height: 110,
        mark: { type: 'bar' as const, opacity: 0.6, binSpacing: 0 },
        encoding: {
          x: { field: 'binStart', type: 'quantitative' as const, title: input.kind === 'proportion' ? '% of pupils' : 'Score', axis: input.kind === 'proportion' ? { format: '.1%' } : {} },
          x2: { field: 'binEnd' },
          y: { field: 'count', type: 'quantitative' as const, stack: null, title: `Number of ${unit}`, scale: { zero: true } },
          // Bars start at zero: with x/x2 ranged and no y2, vega-lite draws a thin horizontal tick at the count.
          y2: { datum: 0 },
          color: { field: 'arm', type: 'nominal' as const, title: 'Arm', legend: { orient: 'top' as const }, scale: { domain: Object.keys(ARM_COLOURS), range: Object.values(ARM_COLOURS) } },
        },
      })),
      resolve: { scale: { x: 'independent', y: 'independent', color: 'shared' }, legend: { color: 'shared' } },
    },
  };
}
