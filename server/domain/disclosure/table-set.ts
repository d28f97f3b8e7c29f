// One protected table set per page: every count and amount a page prints, and every sum that links them, protected together.
//
// A page registers each number it prints once (the same count printed in two tables is one entry), the sums a
// reader knows hold between them ("invited = completed + not completed", "completed = the bands of a histogram +
// those without a score"), and numbers a reader knows without the page printing them. protect() then:
//  1. Primary: hides every count from 1 to LARGEST_HIDDEN_COUNT, and every entry the page asks to hide.
//  2. Amounts (such as hours) are hidden wherever a count they are calculated from is hidden.
//  3. Secondary: while any entry hidden in step 1 follows exactly from what is shown (by any combination of the
//     sums, and from non-negativity where a sum leaves nothing for its hidden parts), it hides the cheapest
//     further entry that makes it uncertain again. (A secondary suppression that can be worked out is harmless:
//     it is a number that could have been shown.)
// Exactness is decided by linear algebra over all sums of the page at once (modulo a large prime, so it is exact
// integer arithmetic), not table by table, so a margin hidden in one table cannot be rebuilt from another.
import { LARGEST_HIDDEN_COUNT } from './rules';
import { ValidationError } from '../../../shared/errors';
import type { HiddenReason, PublishedCount } from './protect-counts';

export type EntryId = number;

type EntryKind = 'count' | 'amount' | 'known' | 'unpublished';
interface Entry { kind: EntryKind; value: number; forced: boolean; hiddenWith: EntryId[] }

/** A prime below 2^26, so products of two residues stay exact in doubles. */
const P = 67108859;

/** The protected set's answer for each entry. */
export interface ProtectedSet {
  get(id: EntryId): PublishedCount;
  /** How many entries were hidden, by reason (for tests and the audit). */
  hiddenCount(): number;
}

export class ProtectedTableSet {
  private readonly entries: Entry[] = [];
  private readonly sums: Array<{ total: EntryId; parts: EntryId[] }> = [];
  /** Hidden entries that follow from numbers readers know without the page: nothing on the page can protect them. */
  private readonly unprotectable = new Set<EntryId>();

  /** A count the page prints (a whole number of people, schools or sessions). */
  count(value: number, opts: { hide?: boolean } = {}): EntryId {
    if (!Number.isInteger(value) || value < 0) throw new ValidationError(`Counts must be whole numbers of at least 0 (got ${value}).`);
    return this.add({ kind: 'count', value, forced: Boolean(opts.hide), hiddenWith: [] });
  }

  /** An amount the page prints (such as hours) calculated from counts: hidden whenever any of `hiddenWith` is. */
  amount(value: number, hiddenWith: EntryId[], opts: { hide?: boolean } = {}): EntryId {
    if (!Number.isFinite(value) || value < 0) throw new ValidationError(`Amounts must be numbers of at least 0 (got ${value}).`);
    return this.add({ kind: 'amount', value, forced: Boolean(opts.hide), hiddenWith });
  }

  /** A number a reader may know though the page does not print it (assumed known, so protection never relies on it). */
  known(value: number): EntryId {
    return this.add({ kind: 'known', value, forced: false, hiddenWith: [] });
  }

  /** A number in a sum that is never printed and not otherwise known (it needs no protection of its own). */
  unpublished(value: number): EntryId {
    return this.add({ kind: 'unpublished', value, forced: false, hiddenWith: [] });
  }

  /** Declares that `total` = the sum of `parts` (checked: a page must not print sums that do not add up). */
  sum(total: EntryId, parts: EntryId[]): void {
    const t = this.entries[total].value;
    const s = parts.reduce((a, p) => a + this.entries[p].value, 0);
    if (Math.abs(t - s) > 1e-9 * Math.max(1, Math.abs(t))) throw new ValidationError(`A published total (${t}) is not the sum of its parts (${s}).`);
    this.sums.push({ total, parts: [...parts] });
  }

  protect(): ProtectedSet {
    const n = this.entries.length;
    const reason: (HiddenReason | null)[] = this.entries.map((e) => {
      if (e.kind === 'known') return null;
      if (e.kind === 'unpublished') return 'unpublished';
      if (e.forced) return 'forced';
      return e.kind === 'count' && e.value >= 1 && e.value <= LARGEST_HIDDEN_COUNT ? 'small' : null;
    });
    const component = this.components();
    for (let guard = 0; guard <= n; guard++) {
      this.hideAmountsWithHiddenCounts(reason);
      const target = this.recoverable(reason, () => true);
      if (target === null) break;
      this.hideMore(target, reason, component);
    }
    this.hideAmountsWithHiddenCounts(reason);
    // Fail safe (not expected): whatever still gives a protected number away hides its whole linked group.
    for (let target = this.recoverable(reason, () => true); target !== null; target = this.recoverable(reason, () => true)) {
      const inComponent = component.map((c, i) => c === component[target!] && !reason[i] && (this.entries[i].kind === 'count' || this.entries[i].kind === 'amount'));
      if (!inComponent.some(Boolean)) { this.unprotectable.add(target); continue; }
      inComponent.forEach((yes, i) => { if (yes) reason[i] = 'secondary'; });
    }
    this.revealDetermined(reason);
    return {
      get: (id) => {
        const why = reason[id];
        if (this.entries[id].kind === 'known' || this.entries[id].kind === 'unpublished') throw new Error('only printed entries have a published value');
        return why ? { hidden: true, reason: why } : { hidden: false, value: this.entries[id].value };
      },
      hiddenCount: () => reason.filter((r, i) => r && r !== 'unpublished' && this.entries[i].kind !== 'known').length,
    };
  }

  private add(e: Entry): EntryId {
    this.entries.push(e);
    return this.entries.length - 1;
  }

  private hideAmountsWithHiddenCounts(reason: (HiddenReason | null)[]): void {
    // An amount hidden because a count it comes from was hidden for its own sake needs the same protection.
    this.entries.forEach((e, i) => {
      if (e.kind !== 'amount' || reason[i] || !e.hiddenWith.some((c) => reason[c])) return;
      reason[i] = e.hiddenWith.some((c) => reason[c] === 'small' || reason[c] === 'forced') ? 'forced' : 'secondary';
    });
  }

  /** Entries linked by sums, as a component number per entry. */
  private components(): number[] {
    const parent = this.entries.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    for (const s of this.sums) for (const p of s.parts) parent[find(p)] = find(s.total);
    this.entries.forEach((e, i) => e.hiddenWith.forEach((c) => { parent[find(c)] = find(i); }));
    return this.entries.map((_, i) => find(i));
  }

  /**
   * The first entry hidden for its own sake (among `within`) whose value follows from the shown ones, or null.
   */
  private recoverable(reason: (HiddenReason | null)[], within: (i: number) => boolean, sums = this.sums): EntryId | null {
    const needsProtection = (i: number) => (reason[i] === 'small' || reason[i] === 'forced') && within(i) && !this.unprotectable.has(i);
    const { knownZero, determined } = this.analyse(reason, sums);
    // A hidden entry forced to 0 by non-negativity is known; that matters when the page hid it on purpose (a whole small group).
    for (const z of [...knownZero].sort((x, y) => x - y)) if (needsProtection(z)) return z;
    return determined.find(needsProtection) ?? null;
  }

  /**
   * Which hidden entries a reader can work out. Unknowns are the hidden entries; each sum is one linear equation
   * in them. Non-negativity adds: when a sum's shown total equals its shown parts, every hidden part is 0
   * (repeated until nothing changes).
   */
  private analyse(reason: (HiddenReason | null)[], sums: Array<{ total: EntryId; parts: EntryId[] }>): { knownZero: Set<EntryId>; determined: EntryId[] } {
    const hidden = (i: number) => reason[i] !== null;
    const knownZero = new Set<number>();
    const determined = new Set<number>();
    const inSums = new Set(sums.flatMap((s) => [s.total, ...s.parts]));
    // Alternate the two inferences until neither finds more: a value worked out by the sums can leave another sum
    // with nothing for its hidden parts, which are then 0, which can settle more by the sums.
    for (let round = 0; round <= this.entries.length; round++) {
      const isKnown = (i: number) => !hidden(i) || knownZero.has(i) || determined.has(i);
      let changed = false;
      for (let again = true; again;) {
        again = false;
        for (const s of sums) {
          if (!isKnown(s.total)) continue;
          const unknownParts = s.parts.filter((p) => !isKnown(p));
          if (!unknownParts.length) continue;
          const left = this.entries[s.total].value - s.parts.filter(isKnown).reduce((a, p) => a + this.entries[p].value, 0);
          if (Math.abs(left) < 1e-9) for (const p of unknownParts) { knownZero.add(p); again = true; changed = true; }
        }
      }
      const unknowns = this.entries.map((_, i) => i).filter((i) => !isKnown(i) && (sums === this.sums || inSums.has(i)));
      const col = new Map(unknowns.map((u, k) => [u, k]));
      const rows: number[][] = [];
      for (const s of sums) {
        const row = new Array(col.size).fill(0);
        let any = false;
        const put = (i: number, c: number) => { const k = col.get(i); if (k !== undefined) { row[k] = (row[k] + c + P) % P; any = true; } };
        put(s.total, 1);
        for (const p of s.parts) put(p, P - 1);
        if (any) rows.push(row);
      }
      for (const k of determinedUnknowns(rows, col.size)) { determined.add(unknowns[k]); changed = true; }
      if (!changed) break;
    }
    return { knownZero, determined: [...determined].sort((x, y) => x - y) };
  }

  /**
   * Shows again each secondary suppression a reader can work out anyway (it protects nothing, and a "c" anyone can
   * fill in misleads), one at a time and only while every number hidden for its own sake stays unrecoverable.
   */
  private revealDetermined(reason: (HiddenReason | null)[]): void {
    const tried = new Set<EntryId>();
    for (let changed = true; changed;) {
      changed = false;
      const { knownZero, determined } = this.analyse(reason, this.sums);
      for (const i of [...knownZero, ...determined]) {
        if (reason[i] !== 'secondary' || tried.has(i)) continue;
        tried.add(i);
        reason[i] = null;
        if (this.recoverable(reason, () => true) !== null) { reason[i] = 'secondary'; continue; }
        changed = true;
        break;
      }
    }
  }

  /** Hides the cheapest shown entry that makes `target` uncertain; if no single one does, the cheapest one linked to it. */
  private hideMore(target: EntryId, reason: (HiddenReason | null)[], component: number[]): void {
    const inComponent = (i: number) => component[i] === component[target];
    const linked = new Set<number>();
    for (const s of this.sums) if (s.total === target || s.parts.includes(target)) [s.total, ...s.parts].forEach((i) => linked.add(i));
    const candidates = this.entries.map((_, i) => i)
      .filter((i) => inComponent(i) && !reason[i] && (this.entries[i].kind === 'count' || this.entries[i].kind === 'amount'))
      .sort((a, b) => cost(this.entries[a], linked.has(a)) - cost(this.entries[b], linked.has(b)) || a - b);
    if (!candidates.length) {
      // Every number linked to it is already hidden or known to readers anyway: hiding more cannot help.
      reason[target] = reason[target] === 'small' ? 'small' : 'forced';
      this.unprotectable.add(target);
      return;
    }
    const sums = this.sums.filter((s) => inComponent(s.total));
    for (const c of candidates) {
      reason[c] = 'secondary';
      const still = this.recoverable(reason, (i) => i === target, sums);
      if (still === null) return;
      reason[c] = null;
    }
    reason[candidates[0]] = 'secondary';
  }
}

/** Cheaper first: entries in a sum with the target, then positive before zero (a hidden 0 protects little), then smaller. */
function cost(e: Entry, linked: boolean): number {
  return (linked ? 0 : 4e12) + (e.value === 0 ? 2e12 : 0) + e.value;
}

/**
 * Gauss-Jordan elimination modulo P. Returns the unknowns whose value is fixed by the equations: a pivot column
 * whose reduced row has no entry in any free column.
 */
function determinedUnknowns(rows: number[][], cols: number): number[] {
  const a = rows.map((r) => [...r]);
  const pivotOfRow: number[] = [];
  let r = 0;
  for (let c = 0; c < cols && r < a.length; c++) {
    let piv = -1;
    for (let k = r; k < a.length; k++) if (a[k][c] !== 0) { piv = k; break; }
    if (piv < 0) continue;
    [a[r], a[piv]] = [a[piv], a[r]];
    const inv = modInverse(a[r][c]);
    for (let k = c; k < cols; k++) a[r][k] = mulMod(a[r][k], inv);
    for (let k = 0; k < a.length; k++) {
      if (k === r || a[k][c] === 0) continue;
      const f = a[k][c];
      for (let j = c; j < cols; j++) if (a[r][j] !== 0) a[k][j] = (a[k][j] - mulMod(f, a[r][j]) + P) % P;
    }
    pivotOfRow.push(c);
    r++;
  }
  const pivots = new Set(pivotOfRow);
  const out: number[] = [];
  pivotOfRow.forEach((c, row) => {
    let free = false;
    for (let j = 0; j < cols; j++) if (!pivots.has(j) && a[row][j] !== 0) { free = true; break; }
    if (!free) out.push(c);
  });
  return out.sort((x, y) => x - y);
}

function mulMod(x: number, y: number): number {
  return (x * y) % P;
}

function modInverse(x: number): number {
  // Fermat: x^(P-2) mod P.
  let result = 1;
  let base = x % P;
  let e = P - 2;
  while (e > 0) {
    if (e & 1) result = mulMod(result, base);
    base = mulMod(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}
