// Benchmark of the trial analyses beside R in the same run: the 24,000-school CR1 fit (estimatr), 10,000 re-randomisations with the CR2 statistic (an R loop with clubSandwich), and mixed-model fits (lme4::lmer, lmerTest::lmer).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ittAnalysis, type IttOptions } from '../reports/analysis';
import { permutationTest } from '../reports/analysis/randomisation-inference';
import { absorbedCr1 } from '../reports/stats/absorbed-cr1';
import { fitMixedModel } from '../reports/stats/mixed-model';
import { kenwardRoger } from '../reports/stats/kenward-roger';
import { mixedModelItt } from '../reports/analysis/mixed-model-itt';
import { seededRandom } from '../reports/stats/random';
import { rerandomisationDesign } from '../server/domain/randomisation/rerandomise';

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

/**
 * DSL rows: `schools` schools in `las` LAs (regions north/south by LA), 1-5 DSLs per school (mean about 2.8) or
 * exactly `perSchool`; arm by LA (`byLa`) or by school within strata of 4; school and LA random effects.
 */
export function syntheticDsls(schools: number, las: number, opts: { byLa: boolean; perSchool?: number; seed?: number }): Array<Record<string, number | string>> {
  const rng = seededRandom(opts.seed ?? 99);
  const laEff = Array.from({ length: las }, () => 0.3 * rng.normal());
  const rows: Array<Record<string, number | string>> = [];
  for (let s = 0; s < schools; s++) {
    const la = s % las, schoolEff = 0.5 * rng.normal();
    const arm = opts.byLa ? la % 2 : Math.floor(s / 4) % 2;
    const n = opts.perSchool ?? 1 + Math.floor(rng.uniform() * 3.6);
    for (let k = 0; k < n; k++) {
      const base = 40 + 8 * rng.normal();
      rows.push({ dsl: `D${s}-${k}`, school: `S${10000 + s}`, la: `LA${String(la).padStart(2, '0')}`, region: la < las / 2 ? 'north' : 'south', stratum: `st${s % 4}`, arm,
        base: Number(base.toFixed(3)), y: Number((10 + 0.6 * base + 1.2 * arm + 4 * laEff[la] + 4 * schoolEff + 5 * rng.normal()).toFixed(3)) });
    }
  }
  return rows;
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function timed(runs: number, fn: () => void): number { fn(); const t: number[] = []; for (let k = 0; k < runs; k++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); } return median(t); }

function hasR(): boolean {
  try { execFileSync('Rscript', ['-e', 'invisible(all(sapply(c("estimatr", "clubSandwich", "lme4", "lmerTest"), requireNamespace, quietly = TRUE)) || quit(status = 1))'], { stdio: 'ignore' }); return true; } catch { return false; }
}
function writeCsv(file: string, rows: Array<Record<string, number | string>>): void {
  const cols = Object.keys(rows[0]);
  fs.writeFileSync(file, [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n');
}
function rTimes(script: string): Record<string, number> {
  const out = execFileSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split('=')).map(([k, v]) => [k.trim(), Number(v)]));
}

interface Row { label: string; value: string; target?: string; ok?: boolean }
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
const ratio = (r: number, d: number) => `${(r / d).toFixed(1)}x`;

/**
 * Times a function the way a user meets it: the first call in this process (cold), then, after WARM_UP untimed
 * calls, the median wall time of `runs` further calls (warm) and the process CPU time of those calls divided by
 * `runs` (on a shared host the CPU time is the steadier figure: it leaves out the time other processes had the
 * cores, but counts the JIT's and GC's threads). R is timed the same way in the same run.
 */
function coldAndWarm(runs: number, fn: () => void): { first: number; warm: number; cpu: number } {
  const t0 = performance.now(); fn(); const first = performance.now() - t0;
  for (let k = 0; k < WARM_UP; k++) fn();
  const t: number[] = [];
  const c0 = process.cpuUsage();
  for (let k = 0; k < runs; k++) { const a = performance.now(); fn(); t.push(performance.now() - a); }
  const c = process.cpuUsage(c0);
  return { first, warm: median(t), cpu: (c.user + c.system) / 1000 / runs };
}

const MLM_RUNS = 25, LMERTEST_RUNS = 9, WARM_UP = 10;

/**
 * Mixed models beside lme4 in the same run: three levels on the 10-LA design, two levels on 2,400 x 3. Both
 * sides are timed alike: the first fit in the process (dslkit: a fresh bench process has not yet run this
 * code; R: the first lmer call after library(lme4)), then the median of MLM_RUNS warm fits. The target compares
 * dslkit's whole fit (REML + Satterthwaite df) with lme4::lmer alone (REML, no df); lmerTest::lmer (which adds
 * the Satterthwaite derivatives at fit time) is shown beside.
 */
export function benchMixedModel(la10: Array<Record<string, number | string>>, big: Array<Record<string, number | string>>, R: boolean): Row[] {
  const design = (rows: typeof la10, strata: string) => {
    const levels = [...new Set(rows.map((r) => String(r[strata])))].sort().slice(1);
    return [{ name: '(Intercept)', values: rows.map(() => 1) }, { name: 'arm', values: rows.map((r) => Number(r.arm)) }, { name: 'base', values: rows.map((r) => Number(r.base)) },
      ...levels.map((l) => ({ name: l, values: rows.map((r) => (r[strata] === l ? 1 : 0)) }))];
  };
  const la10Cols = design(la10, 'region'), bigCols = design(big, 'stratum');
  const la10Y = la10.map((r) => Number(r.y)), bigY = big.map((r) => Number(r.y));
  const la10Levels = [{ name: 'school', groups: la10.map((r) => String(r.school)) }, { name: 'la', groups: la10.map((r) => String(r.la)) }];
  const bigLevels = [{ name: 'school', groups: big.map((r) => String(r.school)) }];
  const mlm3 = coldAndWarm(MLM_RUNS, () => fitMixedModel(la10Cols, la10Y, la10Levels));
  const mlm2 = coldAndWarm(MLM_RUNS, () => fitMixedModel(bigCols, bigY, bigLevels));
  const fit3 = fitMixedModel(la10Cols, la10Y, la10Levels), fit2 = fitMixedModel(bigCols, bigY, bigLevels);
  const kr3 = coldAndWarm(MLM_RUNS, () => kenwardRoger(fit3)), kr2 = coldAndWarm(MLM_RUNS, () => kenwardRoger(fit2));
  const itt = { outcome: 'y', arm: 'arm', baseline: 'base' };
  const whole3 = coldAndWarm(MLM_RUNS, () => mixedModelItt(la10, { ...itt, cluster: 'school', strata: ['region'], levels: ['school', 'la'] }));
  const whole2 = coldAndWarm(MLM_RUNS, () => mixedModelItt(big, { ...itt, cluster: 'school', strata: ['stratum'], levels: ['school'] }));
  const out: Row[] = [];
  const how = `first fit in the process ${ms(mlm3.first)}; median of ${MLM_RUNS} warm fits after ${WARM_UP} untimed`;
  out.push({ label: `mixed model, 3 levels (DSLs in schools in 10 LAs, ${la10.length} rows), REML + Satterthwaite: dslkit fitMixedModel (${how}; CPU per warm fit ${ms(mlm3.cpu)})`, value: ms(mlm3.warm) });
  let r: Record<string, number> = {};
  if (R) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-bench-mlm-'));
    try {
      writeCsv(path.join(dir, 'la10.csv'), la10); writeCsv(path.join(dir, 'big.csv'), big);
      r = rTimes(`suppressMessages({ library(lme4); library(lmerTest) })
el <- function(f) system.time(f())[["elapsed"]] * 1000
warm <- function(f, k) median(sapply(1:k, function(i) el(f)))
cpu <- function(f, k) { t <- system.time(for (i in 1:k) f()); (t[["user.self"]] + t[["sys.self"]]) / k * 1000 }
l <- read.csv("${path.join(dir, 'la10.csv')}"); g <- read.csv("${path.join(dir, 'big.csv')}")
f3 <- function() lme4::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school), data = l)
f2 <- function() lme4::lmer(y ~ arm + base + factor(stratum) + (1 | school), data = g)
cat("lme4_3_first =", el(f3), "\\n"); for (i in 1:${WARM_UP}) f3(); cat("lme4_3 =", warm(f3, ${MLM_RUNS}), "\\n")
cat("lme4_2_first =", el(f2), "\\n"); for (i in 1:${WARM_UP}) f2(); cat("lme4_2 =", warm(f2, ${MLM_RUNS}), "\\n")
cat("lme4_3_cpu =", cpu(f3, ${MLM_RUNS}), "\\n"); cat("lme4_2_cpu =", cpu(f2, ${MLM_RUNS}), "\\n")
cat("lmer3 =", warm(function() lmerTest::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school), data = l), ${LMERTEST_RUNS}), "\\n")
cat("lmer2 =", warm(function() lmerTest::lmer(y ~ arm + base + factor(stratum) + (1 | school), data = g), ${LMERTEST_RUNS}), "\\n")
m3 <- lmerTest::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school), data = l)
cat("kr3 =", warm(function() summary(m3, ddf = "Kenward-Roger"), 3), "\\n")`);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
    const rHow = (first: number) => `first call after library(lme4) ${ms(first)}; median of ${MLM_RUNS} warm calls after ${WARM_UP} untimed`;
    out.push({ label: `R lme4::lmer, same model and data (${rHow(r.lme4_3_first)}; lmerTest::lmer ${ms(r.lmer3)}, median of ${LMERTEST_RUNS}; lme4 CPU per warm call ${ms(r.lme4_3_cpu)}, ${ratio(r.lme4_3_cpu, mlm3.cpu)} dslkit's); dslkit faster by (warm vs warm, wall)`, value: `${ms(r.lme4_3)}; ${ratio(r.lme4_3, mlm3.warm)}`, target: '≥ 5x', ok: r.lme4_3 / mlm3.warm >= 5 });
  }
  out.push({ label: `mixed model, 2 levels (2,400 schools x 3 DSLs), REML + Satterthwaite: dslkit fitMixedModel (first fit of this size ${ms(mlm2.first)}; median of ${MLM_RUNS} warm fits after ${WARM_UP} untimed; CPU per warm fit ${ms(mlm2.cpu)})`, value: ms(mlm2.warm) });
  if (R) out.push({ label: `R lme4::lmer, same model and data (${`first call of this size ${ms(r.lme4_2_first)}; median of ${MLM_RUNS} warm calls after ${WARM_UP} untimed`}; lmerTest::lmer ${ms(r.lmer2)}, median of ${LMERTEST_RUNS}; lme4 CPU per warm call ${ms(r.lme4_2_cpu)}, ${ratio(r.lme4_2_cpu, mlm2.cpu)} dslkit's); dslkit faster by (warm vs warm, wall)`, value: `${ms(r.lme4_2)}; ${ratio(r.lme4_2, mlm2.warm)}`, target: '≥ 5x', ok: r.lme4_2 / mlm2.warm >= 5 });
  out.push({ label: `Kenward-Roger df and adjusted SE on the fitted model (dslkit kenwardRoger, median of ${MLM_RUNS} warm): 3 levels; 2,400 x 3`, value: `${ms(kr3.warm)}; ${ms(kr2.warm)}` });
  out.push({ label: `the whole mixedModelItt (rows read, model and null model fitted, ICC, effect sizes; what dslkit analyse --model mlm runs), median of ${MLM_RUNS} warm: 3 levels; 2,400 x 3`, value: `${ms(whole3.warm)}; ${ms(whole2.warm)}` });
  if (R) out.push({ label: `R summary(fit, ddf = "Kenward-Roger") (pbkrtest::vcovAdj, dense N x N inverse; median of 3), 3 levels (on 2,400 x 3 the 7,200 x 7,200 inverse, 415 MB, is not run)`, value: ms(r.kr3) });
  return out;
}

/**
 * 10,000 re-randomisations (1,000 with --quick) with the ITT t statistic refitted each time, on the 10-LA design
 * and on 2,400 schools x 3 DSLs, beside the same loop in R (alloc_stratified + lm + clubSandwich CR2; a few
 * iterations timed, then x 10,000). dslkit's figure is the whole permutationTest (ITT fit, setup and every
 * draw), timed once after a 200-draw warm-up run.
 */
export function benchRerandomisation(la10: Array<Record<string, number | string>>, big: Array<Record<string, number | string>>, R: boolean, quick = false): Row[] {
  const DRAWS = quick ? 1000 : 10_000;
  const perm = (rows: typeof la10, cluster: string, strata: string, se: 'cr1' | 'cr2', draws: number) => {
    const run = (n: number) => permutationTest(rows, { outcome: 'y', arm: 'arm', cluster, baseline: 'base', strata: [strata], se }, (u) => rerandomisationDesign(u, 'stratified'), { draws: n, seed: 1, exactUnits: 0 });
    run(200);
    const t0 = performance.now(), c0 = process.cpuUsage();
    run(draws);
    const c = process.cpuUsage(c0);
    return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
  };
  // wall time is the figure; the process's CPU time beside it shows how much a shared host's other load inflated it
  const cpu = (t: { cpu: number }) => `process CPU ${t.cpu < 1000 ? ms(t.cpu) : `${(t.cpu / 1000).toFixed(2)} s`}`;
  const laRun = perm(la10, 'la', 'region', 'cr2', DRAWS), laPerm = laRun.wall;
  const bigRun = perm(big, 'school', 'stratum', 'cr2', DRAWS), bigPerm = bigRun.wall;
  const cr1Run = perm(big, 'school', 'stratum', 'cr1', DRAWS), bigPermCr1 = cr1Run.wall;
  const R_ITER = quick ? 5 : 40, R_BIG_ITER = quick ? 1 : 3;
  let r: Record<string, number> = {};
  if (R) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-bench-perm-'));
    try {
      writeCsv(path.join(dir, 'la10.csv'), la10); writeCsv(path.join(dir, 'big.csv'), big);
      r = rTimes(`suppressMessages(library(clubSandwich))
med <- function(f, k) median(sapply(1:k, function(i) system.time(f())[["elapsed"]])) * 1000
canon_key <- function(ids) if (all(grepl("^-?[0-9]{1,15}$", ids))) as.numeric(ids) else match(ids, sort(unique(ids), method = "radix"))
alloc_stratified <- function(ids, strata, seed) {
  o <- order(canon_key(ids)); ids <- ids[o]; strata <- strata[o]; key <- canon_key(ids)
  set.seed(seed); u <- runif(length(ids)); x <- runif(1); extra <- as.integer(x > 0.5); arm <- integer(length(ids))
  for (s in sort(unique(strata), method = "radix")) { i <- which(strata == s); i <- i[order(u[i], key[i])]; m <- length(i)
    arm[i] <- as.integer(seq_len(m) <= m %/% 2 + (if (m %% 2 == 1) extra else 0)); if (m %% 2 == 1) extra <- 1 - extra }
  setNames(arm, ids)
}
loop <- function(d, unit, strata, f, iters) {
  u <- unique(d[, c(unit, strata)])
  med(function() for (b in 1:iters) { a <- alloc_stratified(u[[unit]], u[[strata]], b); d$arm <- a[as.character(d[[unit]])]
    ct <- coef_test(lm(f, data = d), vcov = "CR2", cluster = d[[unit]], test = "Satterthwaite") }, 1) / iters
}
l <- read.csv("${path.join(dir, 'la10.csv')}"); g <- read.csv("${path.join(dir, 'big.csv')}")
cat("perm_la10 =", loop(l, "la", "region", y ~ base + factor(region) + arm, ${R_ITER}), "\\n")
cat("perm_big =", loop(g, "school", "stratum", y ~ base + factor(stratum) + arm, ${R_BIG_ITER}), "\\n")
`);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  }
  const out: Row[] = [];
  const perLa = laPerm / DRAWS, perBig = bigPerm / DRAWS;
  const nDraws = DRAWS.toLocaleString('en-GB');
  out.push({ label: `${nDraws} re-randomisations, CR2 t, 308 schools in 10 LAs (${la10.length} DSLs, LAs randomised within region; the whole permutationTest timed; ${cpu(laRun)})`, value: ms(laPerm), target: quick ? '' : '< 5 s', ok: quick ? undefined : laPerm < 5000 });
  if (R) out.push({ label: `the same loop in R (alloc_stratified + clubSandwich CR2; ${R_ITER} iterations timed, x 10,000); dslkit faster by`, value: `${(r.perm_la10 * 10_000 / 1000).toFixed(0)} s; ${ratio(r.perm_la10, perLa)}`, target: '≥ 20x', ok: r.perm_la10 / perLa >= 20 });
  out.push({ label: `${nDraws} re-randomisations, CR2 t, 2,400 schools x 3 DSLs (the whole permutationTest timed: ITT fit, setup and every draw; ${cpu(bigRun)})`, value: `${(bigPerm / 1000).toFixed(2)} s`, target: quick ? '' : '< 5 s', ok: quick ? undefined : bigPerm < 5000 });
  out.push({ label: `${nDraws} re-randomisations, CR1 t, 2,400 schools x 3 DSLs (as above; --se auto picks CR1 with 2,400 clusters; ${cpu(cr1Run)})`, value: `${(bigPermCr1 / 1000).toFixed(2)} s`, target: quick ? '' : '< 5 s', ok: quick ? undefined : bigPermCr1 < 5000 });
  if (R) out.push({ label: `the CR2 loop in R on 2,400 x 3 (${R_BIG_ITER} iterations timed, x 10,000); dslkit faster by`, value: `${(r.perm_big * 10).toFixed(0)} s; ${ratio(r.perm_big, perBig)}`, target: '≥ 20x', ok: r.perm_big / perBig >= 20 });
  return out;
}

/** Times each analysis in dslkit and, when R is installed, the same in R in this run; returns the README rows. */
export async function benchAnalysis(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const quick = Boolean(opts.quick);
  const out: Row[] = [];
  const R = hasR();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-bench-'));
  try {
    // 1. the 24,000-school CR1 fit
    const schools = syntheticSchools();
    const base = schools.map((r) => Number(r.base)), arm = schools.map((r) => Number(r.arm)), y = schools.map((r) => Number(r.y));
    const stratum = schools.map((r) => String(r.stratum)), school = schools.map((r) => String(r.school)), pupils = schools.map((r) => Number(r.pupils));
    const fit = timed(5, () => absorbedCr1([base], arm, y, stratum, school, pupils));
    const ittOpts: IttOptions = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['stratum'], weight: 'pupils', proportion: true, se: 'cr1' };
    const whole = timed(3, () => ittAnalysis(schools, ittOpts));
    // 2. re-randomisation: 308 schools in 10 LAs (~860 DSLs, LAs randomised within region) and 2,400 schools x 3 DSLs
    const la10 = syntheticDsls(308, 10, { byLa: true });
    const big = syntheticDsls(2400, 80, { byLa: false, perSchool: 3 });
    let r: Record<string, number> = {};
    if (R) {
      writeCsv(path.join(dir, 'schools.csv'), schools);
      r = rTimes(`suppressMessages(library(estimatr))
med <- function(f, k) median(sapply(1:k, function(i) system.time(f())[["elapsed"]])) * 1000
d <- read.csv("${path.join(dir, 'schools.csv')}")
cat("cr1 =", med(function() lm_robust(y ~ arm + base + factor(stratum), data = d, weights = pupils, clusters = school, se_type = "stata"), 3), "\\n")
`);
    }
    const n24 = SCHOOLS.toLocaleString('en-GB');
    out.push({ label: `CR1 fit, ${n24} schools (strata absorbed by within-stratum demeaning, FWL; pupils as counts): dslkit absorbedCr1`, value: ms(fit) });
    out.push({ label: `the whole ittAnalysis (parse rows, fit, arm means and CIs, effect size), same data`, value: ms(whole) });
    if (R) out.push({ label: `R estimatr::lm_robust(y ~ arm + base + factor(stratum), se_type = "stata"), same data; dslkit faster by`, value: `${ms(r.cr1)}; ${ratio(r.cr1, fit)}`, target: '≥ 5x', ok: r.cr1 / fit >= 5 });
    out.push(...benchRerandomisation(la10, big, R, quick));
    out.push(...benchMixedModel(la10, big, R));
    if (!R) out.push({ label: 'R comparisons', value: 'skipped: Rscript with estimatr, clubSandwich, lme4 and lmerTest not found' });
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const print = (results: Row[]) => { for (const r of results) console.log(`${r.label}: ${r.value}${r.target ? `  [target ${r.target}: ${r.ok ? 'met' : 'missed'}]` : ''}`); };
  // --only mlm / --only perm: the mixed-model or the re-randomisation rows alone (same data as the full run)
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const la10 = () => syntheticDsls(308, 10, { byLa: true }), big = () => syntheticDsls(2400, 80, { byLa: false, perSchool: 3 });
  if (only === 'mlm') print(benchMixedModel(la10(), big(), hasR()));
  else if (only === 'perm') print(benchRerandomisation(la10(), big(), hasR(), process.argv.includes('--quick')));
  else void benchAnalysis({ quick: process.argv.includes('--quick') }).then(print);
}
