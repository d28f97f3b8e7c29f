// Benchmark: randomising a 3,000-school GIAS-style CSV (parse, each method, cluster mode, verify, balance) in-process, and the real `dslkit randomise` command end to end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, toCsv } from '../server/domain/csv';
import { randomiseTable, sha256Hex } from '../server/domain/randomisation/randomise';
import { allocationCsv, verifyAllocation } from '../server/domain/randomisation/allocation-csv';
import { randomisationBalance } from '../server/domain/randomisation/balance';
import { RMersenneTwister } from '../server/domain/randomisation/mersenne-twister';

const SCHOOLS = 3000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A GIAS-style schools CSV with n synthetic schools in 150 LAs (seeded, so every run times the same input). */
export function syntheticGiasCsv(n = SCHOOLS, seed = 3000): string {
  const rng = new RMersenneTwister(seed);
  const columns = ['URN', 'LA (code)', 'LA (name)', 'EstablishmentName', 'TypeOfEstablishment (name)', 'PhaseOfEducation (name)', 'NumberOfPupils', 'PercentageFSM', 'UrbanRural (name)', 'OfstedRating (name)'];
  const rows = Array.from({ length: n }, (_, i) => ({
    URN: 100000 + i * 3, 'LA (code)': 300 + (i % 150), 'LA (name)': `Authority ${i % 150}`, EstablishmentName: `Bench School ${i}`,
    'TypeOfEstablishment (name)': 'Community school', 'PhaseOfEducation (name)': rng.unifRand() < 0.8 ? 'Primary' : 'Secondary',
    NumberOfPupils: 50 + Math.floor(rng.unifRand() * 900), PercentageFSM: Math.round(rng.unifRand() * 700) / 10,
    'UrbanRural (name)': rng.unifRand() < 0.7 ? 'Urban' : 'Rural', 'OfstedRating (name)': 'Good',
  }));
  return toCsv(columns, rows);
}

function medianMs(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) { const t = performance.now(); fn(); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(runs / 2)].toFixed(2));
}

/** Median wall times in ms; the CLI rows include Node start-up and TypeScript loading. */
export function benchRandomisation(): Array<{ label: string; ms: number }> {
  const text = syntheticGiasCsv();
  const bytes = Buffer.from(text);
  const input = { sha256: sha256Hex(bytes), source: 'bench.csv' };
  const table = parseCsv(text, 'bench.csv');
  const stratified = randomiseTable(table, { seed: 1, method: 'stratified', strata: ['PhaseOfEducation (name)', 'UrbanRural (name)'] }, input);
  const allocation = allocationCsv(stratified);
  const out: Array<{ label: string; ms: number }> = [
    { label: `parse a ${SCHOOLS}-school GIAS CSV`, ms: medianMs(7, () => parseCsv(text, 'bench.csv')) },
    { label: `stratified (2 strata columns), ${SCHOOLS} schools`, ms: medianMs(7, () => randomiseTable(table, { seed: 1, method: 'stratified', strata: ['PhaseOfEducation (name)', 'UrbanRural (name)'] }, input)) },
    { label: `niesr-fsm-median, ${SCHOOLS} schools`, ms: medianMs(7, () => randomiseTable(table, { seed: 1, method: 'niesr-fsm-median' }, input)) },
    { label: `--cluster "LA (code)" (150 LAs), ${SCHOOLS} schools`, ms: medianMs(7, () => randomiseTable(table, { seed: 1, method: 'stratified', cluster: 'LA (code)' }, input)) },
    { label: `balance table, ${SCHOOLS} schools`, ms: medianMs(7, () => randomisationBalance(table, stratified)) },
    { label: `--verify (hash, parse, re-derive, compare), ${SCHOOLS} schools`, ms: medianMs(7, () => verifyAllocation(allocation, bytes, { allocation: 'a.csv', schools: 'bench.csv' })) },
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-bench-rand-'));
  try {
    const csv = path.join(dir, 'schools.csv');
    fs.writeFileSync(csv, text);
    const cli = (args: string[]) => execFileSync(process.execPath, [path.join(root, 'bin/dslkit.mjs'), ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env, DSLKIT_DB: path.join(dir, 'bench.db') } });
    out.push({ label: `dslkit randomise ${SCHOOLS} schools --out (whole process)`, ms: medianMs(3, () => cli(['randomise', csv, '--seed', '5', '--strata', 'PhaseOfEducation (name)', '--out', path.join(dir, 'a.csv')])) });
    out.push({ label: 'dslkit --version (process start-up alone)', ms: medianMs(3, () => cli(['--version'])) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const r of benchRandomisation()) process.stdout.write(`${r.label.padEnd(60)} ${r.ms.toFixed(1).padStart(8)} ms\n`);
}
