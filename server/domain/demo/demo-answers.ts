// Plausible synthetic survey answers for the demo: item answers driven by a DSL's latent stress and confidence, so scores hang together.
import type { InstrumentDef } from '../../../instruments/registry';
import type { DemoRandom } from './demo-random';

export interface DemoPerson { stress: number; confidence: number }

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** PSS-10 items worded positively (scored reversed). */
const PSS_POSITIVE = new Set(['pss10_04', 'pss10_05', 'pss10_07', 'pss10_08']);

function likertIndex(rng: DemoRandom, n: number, centre: number, latent: number): number {
  // centre and latent on the 0..1 scale of the answer list
  return clamp(Math.round((centre + 0.18 * latent) * (n - 1) + rng.normal(0, 0.6)), 0, n - 1);
}

/** Answers to every item of one instrument for one person (choice items from their value lists). */
export function demoAnswers(def: InstrumentDef, person: DemoPerson, rng: DemoRandom): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of def.items) {
    const values = item.values ?? [];
    if (item.kind === 'choice' && values.length) {
      const n = values.length;
      let idx: number;
      if (def.id === 'pss10') idx = likertIndex(rng, n, PSS_POSITIVE.has(item.id) ? 0.55 : 0.45, PSS_POSITIVE.has(item.id) ? -person.stress : person.stress);
      else if (def.id === 'cbi') {
        // values run most (100) to least (0): a low index is more burnout; cbi_work_07 (energy left) is positive.
        const positive = item.id === 'cbi_work_07';
        idx = likertIndex(rng, n, positive ? 0.35 : 0.55, positive ? person.stress : -person.stress);
      } else if (def.id === 'ons4') {
        idx = item.id === 'ons4_04' ? likertIndex(rng, n, 0.35, person.stress) : likertIndex(rng, n, item.id === 'ons4_02' ? 0.78 : 0.7, -0.8 * person.stress);
      } else if (typeof values[0] === 'number' && values.every((v) => typeof v === 'number')) {
        idx = likertIndex(rng, n, 0.68, person.confidence); // agreement scales: higher is more confident
      } else if (item.id.includes('_know_')) {
        idx = values.indexOf(rng.weighted([['true', 0.55], ['false', 0.3], ['not_sure', 0.15]] as const));
        if (idx < 0) idx = rng.int(0, n - 1);
      } else if (item.id.includes('vignette')) {
        idx = values.indexOf(rng.weighted([['record_monitor', 0.15], ['talk_child_family', 0.15], ['early_help', 0.2], ['contact_csc', 0.4], ['contact_police', 0.1]] as const));
        if (idx < 0) idx = rng.int(0, n - 1);
      } else idx = rng.int(0, n - 1);
      out[item.id] = values[idx];
    } else if (item.kind === 'number') {
      const lo = item.min ?? 0, hi = item.max ?? 10;
      out[item.id] = clamp(item.id.endsWith('concerns') ? rng.poisson(1.4) : Math.round(lo + rng.uniform() * (hi - lo)), lo, hi);
    } else if (item.kind === 'boolean') out[item.id] = rng.chance(0.5);
    else if (item.required && item.kind === 'text') out[item.id] = 'Synthetic demo answer.';
  }
  return out;
}
