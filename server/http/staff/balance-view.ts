// Balance table shown before a randomisation is locked: schools, pupils, % FSM and LA mix per arm, with standardised differences.
import { standardisedDifference } from '../../../reports/stats/standardised-difference';
import type { SchoolInTrial } from '../../storage/school-repo';

interface Stat { n: number; mean: number | null; sd: number | null }

function stat(values: number[]): Stat {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { n, mean, sd };
}

const fmt = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));

/** Rows of [characteristic, control, intervention, standardised difference] as display strings. */
export function balanceRows(schools: ReadonlyArray<Pick<SchoolInTrial, 'urn' | 'pupils' | 'fsmPercent' | 'laCode' | 'laName' | 'phase'>>, armOf: (urn: number) => 'control' | 'intervention'): string[][] {
  const arms = { control: schools.filter((s) => armOf(s.urn) === 'control'), intervention: schools.filter((s) => armOf(s.urn) === 'intervention') };
  const rows: string[][] = [['Schools', String(arms.control.length), String(arms.intervention.length), '–']];
  const numeric = (label: string, pick: (s: (typeof schools)[number]) => number | null) => {
    const c = stat(arms.control.map(pick).filter((v): v is number => v !== null));
    const i = stat(arms.intervention.map(pick).filter((v): v is number => v !== null));
    const d = c.mean !== null && i.mean !== null && c.sd !== null && i.sd !== null ? standardisedDifference(i.mean, i.sd, c.mean, c.sd) : null;
    rows.push([`${label}: mean (SD)`, `${fmt(c.mean)} (${fmt(c.sd)})`, `${fmt(i.mean)} (${fmt(i.sd)})`, fmt(d, 2)]);
  };
  numeric('Pupils', (s) => s.pupils);
  numeric('Free school meals %', (s) => s.fsmPercent);
  const category = (label: string, pick: (s: (typeof schools)[number]) => string) => {
    for (const value of [...new Set(schools.map(pick))].sort()) {
      const c = arms.control.filter((s) => pick(s) === value).length;
      const i = arms.intervention.filter((s) => pick(s) === value).length;
      const pct = (k: number, n: number) => (n ? `${k} (${((100 * k) / n).toFixed(0)}%)` : '0');
      rows.push([`${label}: ${value}`, pct(c, arms.control.length), pct(i, arms.intervention.length), '–']);
    }
  };
  category('Local authority', (s) => `${s.laName} (${s.laCode})`);
  category('Phase', (s) => s.phase ?? 'not recorded');
  return rows;
}
