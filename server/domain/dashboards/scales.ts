// The wellbeing and confidence scales a dashboard summarises, with their labels, direction and histogram bins.

export interface PublishedScale {
  instrument: string;
  scale: string;
  label: string;
  /** Shown beside the label: range and direction. */
  hint: string;
  /** Histogram bins: [min, max] of the scale and bin width; the last bin includes max. */
  min: number;
  max: number;
  binWidth: number;
  decimals: number;
}

/** Scales in display order. Wide bins keep fewer bins with small counts (which would be hidden). */
export const PUBLISHED_SCALES: readonly PublishedScale[] = [
  { instrument: 'swemwbs', scale: 'metric', label: 'Mental wellbeing (SWEMWBS)', hint: '7 to 35, higher is better', min: 7, max: 35, binWidth: 4, decimals: 1 },
  { instrument: 'wemwbs', scale: 'total', label: 'Mental wellbeing (WEMWBS)', hint: '14 to 70, higher is better', min: 14, max: 70, binWidth: 8, decimals: 1 },
  { instrument: 'ons4', scale: 'life_satisfaction', label: 'Life satisfaction (ONS)', hint: '0 to 10, higher is better', min: 0, max: 10, binWidth: 2, decimals: 1 },
  { instrument: 'ons4', scale: 'worthwhile', label: 'Feeling things done in life are worthwhile (ONS)', hint: '0 to 10, higher is better', min: 0, max: 10, binWidth: 2, decimals: 1 },
  { instrument: 'ons4', scale: 'happy', label: 'Happiness yesterday (ONS)', hint: '0 to 10, higher is better', min: 0, max: 10, binWidth: 2, decimals: 1 },
  { instrument: 'ons4', scale: 'anxious', label: 'Anxiety yesterday (ONS)', hint: '0 to 10, higher is worse', min: 0, max: 10, binWidth: 2, decimals: 1 },
  { instrument: 'pss10', scale: 'total', label: 'Perceived stress (PSS-10)', hint: '0 to 40, higher is worse', min: 0, max: 40, binWidth: 5, decimals: 1 },
  { instrument: 'cbi', scale: 'personal', label: 'Personal burnout (CBI)', hint: '0 to 100, higher is worse', min: 0, max: 100, binWidth: 20, decimals: 1 },
  { instrument: 'cbi', scale: 'work', label: 'Work-related burnout (CBI)', hint: '0 to 100, higher is worse', min: 0, max: 100, binWidth: 20, decimals: 1 },
  { instrument: 'dsl-confidence', scale: 'mean', label: 'Confidence in the DSL role', hint: '1 to 5, higher is better', min: 1, max: 5, binWidth: 1, decimals: 2 },
  { instrument: 'csa-identification', scale: 'confidence', label: 'Confidence recognising and responding to child sexual abuse', hint: '1 to 5, higher is better', min: 1, max: 5, binWidth: 1, decimals: 2 },
];

/** 'ons4@1' -> 'ons4'. */
export function instrumentIdOf(key: string): string {
  const at = key.indexOf('@');
  return at < 0 ? key : key.slice(0, at);
}

export interface Bin { order: number; label: string; from: number; to: number }

/** The bins of a scale: [from, to) each ("7 to under 11"), the last [from, max] ("31 to 35"). */
export function binsOf(s: PublishedScale): Bin[] {
  const bins: Bin[] = [];
  for (let from = s.min, i = 0; from < s.max || (from === s.max && i === 0); from += s.binWidth, i++) {
    const to = Math.min(from + s.binWidth, s.max);
    bins.push({ order: i, from, to, label: to === s.max ? `${fmt(from)} to ${fmt(to)}` : `${fmt(from)} to under ${fmt(to)}` });
    if (to === s.max) break;
  }
  return bins;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Index of the bin a value falls in, or -1 when outside the scale. */
export function binIndex(bins: Bin[], value: number): number {
  for (const b of bins) {
    const last = b.order === bins.length - 1;
    if (value >= b.from && (value < b.to || (last && value <= b.to))) return b.order;
  }
  return -1;
}
