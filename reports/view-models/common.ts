// Pieces shared by both report view-models: figure slots, descriptive statistics, labels for arms and design facts.
import type { Chart } from '../charts';
import { fmtDate } from './format';
import type { ReportData } from './report-data';

/** A chart placed in a report; render.ts fills `svg` from the chart (vega output, never user text). */
export interface FigureView { id: string; number: string; title: string; caption: string; chart: Chart<object>; svg: string }

export function figure(number: string, chart: Chart<object>): FigureView {
  return { id: chart.id, number, title: chart.title, caption: chart.summary, chart, svg: '' };
}

export interface LabelValue { label: string; value: string }

export function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Sample standard deviation (n − 1); null below two values. */
export function sd(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs) as number;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
}

/** Pearson correlation; null when undefined. */
export function correlation(xs: number[], ys: number[]): number | null {
  if (xs.length < 3) return null;
  const mx = mean(xs) as number; const my = mean(ys) as number;
  let sxy = 0; let sxx = 0; let syy = 0;
  for (let i = 0; i < xs.length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; syy += (ys[i] - my) ** 2; }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

export const ARM_LABEL = { intervention: 'Intervention', control: 'Control' } as const;

/** Header facts both reports show. */
export function reportHeader(data: ReportData, kindTitle: string, generatedAt: Date) {
  return {
    title: data.trial.title,
    subtitle: kindTitle,
    trialId: data.trial.id,
    generatedOn: fmtDate(generatedAt.toISOString()),
    demoNotice: data.trial.isDemo ? 'This trial is synthetic demonstration data: no real schools, people or outcomes.' : null,
  };
}
