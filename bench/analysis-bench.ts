// Benchmark: a full ITT analysis (CR1, pupil weights, strata, baseline) on 24,000 synthetic schools, beside the same in R (estimatr) when R is installed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ittAnalysis, type IttOptions } from '../reports/analysis';
import { seededRandom } from '../reports/stats/random';

const SCHOOLS = 24_000;

/** National-scale synthetic data: one row per school, proportion outcome, pupils on roll as weights, 8 strata. */
export function syntheticSchools(n = SCHOOLS, seed = 2024): Array<Record<string, number | string>> {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const pupils = 50 + Math.floor(rng.uniform() * 550);
    const base = Math.max(0, 0.012 + 0.004 * rng.normal());
    const arm = Math.floor(i / 8) % 2; // alternate within each stratum (stratum = i mod 8)
    const y = Math.max(0, 0.003 + 0.75 * base - 0.0005 * arm + 0.003 * rng.normal());
    return { school: `U${100000 + i}`, arm, stratum: `st${i % 8}`, pupils, base: Number(base.toFixed(7)), y: Number(y.toFixed(7)) };
  });
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function hasR(): boolean {
  try { execFileSync('Rscript', ['-e', 'invisible(requireNamespace("estimatr", quietly = TRUE) || quit(status = 1))'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** Times dslkit's ittAnalysis (median of 5 runs) and, when R + estimatr are installed, lm_robust (median of 3 runs, timed inside R). */
export async function benchAnalysis(): Promise<{ label: string; ms: number; rRuns?: number }[]> {
  const rows = syntheticSchools();
  const opts: IttOptions = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['stratum'], weight: 'pupils', proportion: true };
  ittAnalysis(rows, opts); // warm-up
  const times: number[] = [];
  for (let k = 0; k < 5; k++) { const t0 = performance.now(); ittAnalysis(rows, opts); times.push(performance.now() - t0); }
  const out: { label: string; ms: number; rRuns?: number }[] = [{ label: `dslkit ittAnalysis, ${SCHOOLS.toLocaleString('en-GB')} schools, CR1 + weights + strata + baseline`, ms: median(times) }];
  const cr2: number[] = [];
  for (let k = 0; k < 3; k++) { const t0 = performance.now(); ittAnalysis(rows, { ...opts, se: 'cr2' }); cr2.push(performance.now() - t0); }
  out.push({ label: `dslkit ittAnalysis, ${SCHOOLS.toLocaleString('en-GB')} schools, CR2 + Satterthwaite`, ms: median(cr2) });
  if (hasR()) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-bench-'));
    const csv = path.join(dir, 'schools.csv');
    fs.writeFileSync(csv, ['school,arm,stratum,pupils,base,y', ...rows.map((r) => `${r.school},${r.arm},${r.stratum},${r.pupils},${r.base},${r.y}`)].join('\n') + '\n');
    // R: weights on school rows (Stata [aw]); the point estimate equals the frequency-weight one, the work is the same
    const script = `suppressMessages(library(estimatr)); d <- read.csv("${csv}"); ts <- c();
for (k in 1:3) ts <- c(ts, system.time(lm_robust(y ~ arm + base + factor(stratum), data = d, weights = pupils, clusters = school, se_type = "stata"))[["elapsed"]]);
cat(median(ts) * 1000)`;
    try {
      const ms = Number(execFileSync('Rscript', ['-e', script], { encoding: 'utf8' }).trim());
      out.push({ label: `R estimatr::lm_robust(se_type = "stata"), same data`, ms, rRuns: 3 });
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchAnalysis();
  const w = Math.max(...results.map((r) => r.label.length));
  for (const r of results) console.log(`${r.label.padEnd(w)}  ${r.ms.toFixed(1).padStart(9)} ms${r.rRuns ? ` (median of ${r.rRuns} R runs)` : ''}`);
}
