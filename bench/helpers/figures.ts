// Turns whatever each engineer's bench export returns into table rows, and renders the rows as a plain-text and a Markdown table.
export interface FigureRow {
  area: string;
  measure: string;
  value: string;
  target: string;
  /** true met, false missed, undefined no target. */
  ok?: boolean;
}

function formatValue(v: unknown, unit?: unknown): string {
  if (typeof v === 'number') {
    const s = Number.isInteger(v) ? v.toLocaleString('en-GB') : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
    return unit ? `${s} ${String(unit)}` : s;
  }
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object') return JSON.stringify(v);
  return unit ? `${String(v)} ${String(unit)}` : String(v);
}

/**
 * Accepts the shapes a bench function may reasonably return: an array of rows
 * ({name|label|measure|metric, value, unit?, target?, ok?|pass?|met?, note?}), one such row, or a plain
 * object of measure -> value (nested objects flattened one level).
 */
export function normaliseFigures(area: string, result: unknown): FigureRow[] {
  if (Array.isArray(result)) return result.flatMap((r) => normaliseFigures(area, r));
  if (result === null || typeof result !== 'object') return [{ area, measure: 'result', value: formatValue(result), target: '' }];
  const r = result as Record<string, unknown>;
  const label = r.name ?? r.label ?? r.measure ?? r.metric;
  if (typeof label === 'string' && 'value' in r) {
    const ok = [r.ok, r.pass, r.met, r.passed].find((x) => typeof x === 'boolean') as boolean | undefined;
    const note = typeof r.note === 'string' ? ` (${r.note})` : '';
    return [{ area, measure: label + note, value: formatValue(r.value, r.unit), target: r.target === undefined ? '' : String(r.target), ok }];
  }
  if (typeof label === 'string') return [labelledTiming(area, label, r)];
  return Object.entries(r).flatMap(([k, v]) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = v as Record<string, unknown>;
      if ('value' in inner) return normaliseFigures(area, { name: k, ...inner });
      return Object.entries(inner).map(([k2, v2]) => ({ area, measure: `${k} ${k2}`, value: formatValue(v2), target: '' }));
    }
    return [{ area, measure: k, value: formatValue(v), target: '' }];
  });
}

/** Units a bench may report a figure in, as the key of the figure. */
const unitKeys: Record<string, string> = { ms: 'ms', seconds: 's', s: 's', kB: 'kB', kb: 'kB', bytes: 'bytes', mb: 'MB', MB: 'MB', perSecond: '/s' };

/**
 * A row like {label, ms, rRuns}: the measure is the label, the value the unit-named figure, other fields noted.
 * A label that states its own target ("(target < 1 s)") is checked against the figure.
 */
function labelledTiming(area: string, label: string, r: Record<string, unknown>): FigureRow {
  const unitKey = Object.keys(r).find((k) => k in unitKeys && typeof r[k] === 'number');
  const rest = Object.entries(r).filter(([k]) => !['label', 'name', 'measure', 'metric', unitKey].includes(k));
  const extra = rest.length ? ` (${rest.map(([k, v]) => `${k} ${formatValue(v)}`).join(', ')})` : '';
  const value = unitKey ? formatValue(r[unitKey], unitKeys[unitKey]) : formatValue(undefined);
  const target = /\(?target\s*(<|≤|<=)\s*([\d.,]+)\s*(ms|s|kB)\b\)?/.exec(label);
  let ok: boolean | undefined;
  let targetText = '';
  if (target && unitKey) {
    const limit = Number(target[2].replace(/,/g, ''));
    const inMs = (n: number, u: string) => (u === 's' ? n * 1000 : n);
    const figure = r[unitKey] as number;
    targetText = `< ${target[2]} ${target[3]}`;
    ok = unitKeys[unitKey] === 'kB' || target[3] === 'kB' ? figure < limit : inMs(figure, unitKeys[unitKey]) < inMs(limit, target[3]);
  }
  return { area, measure: label.replace(target?.[0] ?? '\u0000', '').replace(/\s+,/g, ',').replace(/\s{2,}/g, ' ').trim() + extra, value, target: targetText, ok };
}

const mark = (ok?: boolean) => (ok === undefined ? '' : ok ? 'met' : 'MISSED');

/** A fixed-width table for the terminal. */
export function textTable(rows: FigureRow[]): string {
  const head = ['area', 'measure', 'value', 'target', ''];
  const cells = rows.map((r) => [r.area, r.measure, r.value, r.target, mark(r.ok)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function mdCell(s: string): string { return s.replace(/\|/g, '\\|').replace(/\n/g, ' '); }

/** A Markdown table for bench/latest.md and the README. */
export function markdownTable(rows: FigureRow[]): string {
  return [
    '| Area | Measure | Value | Target | |',
    '|---|---|---:|---|---|',
    ...rows.map((r) => `| ${mdCell(r.area)} | ${mdCell(r.measure)} | ${mdCell(r.value)} | ${mdCell(r.target)} | ${mark(r.ok)} |`),
  ].join('\n');
}
