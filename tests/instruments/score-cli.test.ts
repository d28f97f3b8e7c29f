// Tests of `dslkit score`: CSV and JSON output, carried columns, null reasons, line-level messages for bad cells, --key and --out.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo, tempDir } from '../helpers/temp';

let dir: string;
let cleanup: () => void;
beforeEach(() => { ({ dir, cleanup } = tempDir('dslkit-score-')); });
afterEach(() => cleanup());

const pssHeader = 'id,school,' + Array.from({ length: 10 }, (_, i) => `pss10_${String(i + 1).padStart(2, '0')}`).join(',');
function write(name: string, text: string): string { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; }
async function run(args: string[]) { const cap = captureIo(); const code = await runCli(args, cap.io, {}); return { code, out: cap.out(), err: cap.err() }; }

describe('dslkit score', () => {
  it('writes CSV of carried columns and scale scores, with reasons for nulls', async () => {
    const file = write('answers.csv', [pssHeader, 'A,100001,2,3,2,1,1,3,2,1,2,3', 'B,100002,2,3,2,1,1,3,2,1,2,', 'C,100003,2,3,2,1,1,3,2,1,,'].join('\n') + '\n');
    const r = await run(['score', 'pss10', file]);
    expect(r.code).toBe(0);
    // Values from instruments/pss10/cases.json: complete 26; one missing prorated 23/9x10 = 25.56; two missing null.
    expect(r.out).toBe([
      'id,school,instrument,total,total_reason',
      'A,100001,pss10@1,26,',
      'B,100002,pss10@1,25.56,',
      'C,100003,pss10@1,,8 of 10 items answered; at least 9 needed',
    ].join('\n') + '\n');
  });

  it('prints JSON with the 1-based data row, carried columns and scores', async () => {
    const file = write('answers.csv', [pssHeader, 'A,100001,2,3,2,1,1,3,2,1,2,3', 'C,100003,,,,,,,,,,'].join('\n') + '\n');
    const r = await run(['score', 'pss10', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      { row: 1, id: 'A', school: '100001', instrument: 'pss10@1', scores: { total: 26 } }, // pss10 cases.json "complete"
      { row: 2, id: 'C', school: '100003', instrument: 'pss10@1', scores: { total: null }, reasons: { total: 'no items answered (at least 9 of 10 needed)' } },
    ]);
  });

  it('adds band columns for banded scales (ONS4)', async () => {
    const file = write('ons.csv', 'ons4_01,ons4_02,ons4_03,ons4_04\n4,5,8,6\n');
    const r = await run(['score', 'ons4', file]);
    // ONS thresholds, as in instruments/ons4/cases.json
    expect(r.out.split('\n')[1]).toBe('ons4@1,4,low,,5,medium,,8,high,,6,high,');
  });

  it('reports every bad cell with its line, exits 1 and writes nothing', async () => {
    const lines = [pssHeader];
    for (let i = 0; i < 11; i++) lines.push(`R${i},1,1,1,1,1,1,1,1,1,1,1`);
    lines.push('R11,1,1,1,1,one,1,1,1,1,1,-1'); // line 13: pss10_04 and pss10_10 bad
    lines.push('R12,1,1,1,7,1,1,1,1,1,1,1'); // line 14: pss10_03 bad
    const file = write('answers.csv', lines.join('\n') + '\n');
    const out = path.join(dir, 'scores.csv');
    const r = await run(['score', 'pss10', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe([
      'answers.csv: line 13: pss10_04 "one" is not one of 0, 1, 2, 3, 4',
      'answers.csv: line 13: pss10_10 "-1" is not one of 0, 1, 2, 3, 4',
      'answers.csv: line 14: pss10_03 "7" is not one of 0, 1, 2, 3, 4',
    ].join('\n') + '\n');
    expect(fs.existsSync(out)).toBe(false);
    expect(r.out).toBe('');
  });

  it('counts lines correctly when a quoted cell spans lines', async () => {
    const file = write('log.csv', 'note,dsl_time_log_duration,dsl_time_log_mode\n"two\nlines",90,online\nok,abc,fax\n');
    const r = await run(['score', 'dsl-time-log', file]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('log.csv: line 4: dsl_time_log_duration "abc" is not a number\nlog.csv: line 4: dsl_time_log_mode "fax" is not one of phone, face_to_face, email, online\n');
  });

  it('rejects unknown item columns and columns that clash with outputs', async () => {
    const file = write('bad.csv', 'pss10_01,pss10_11,total\n1,1,1\n');
    const r = await run(['score', 'pss10', file]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('bad.csv: line 1: pss10_11 is not an item of pss10@1\nbad.csv: line 1: total clashes with an output column; rename it\n');
  });

  it('refuses a file with no item columns and an unknown instrument', async () => {
    expect((await run(['score', 'pss10', write('x.csv', 'id\n1\n')])).err).toContain('x.csv: line 1: no column is named by a pss10@1 item id (e.g. pss10_01)');
    const r = await run(['score', 'pss99', write('y.csv', 'id\n1\n')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown instrument "pss99"; known: cbi, csa-identification');
  });

  it('writes to --out and applies --key to key-scored scales', async () => {
    const v = (n: number) => `csa_identification_vignette_0${n}`;
    const file = write('csa.csv', `id,${v(1)},${v(2)},${v(3)},${v(4)}\nA,contact_police,talk_child_family,early_help,talk_child_family\n`);
    const key = write('key.json', JSON.stringify({ [v(3)]: ['contact_csc', 'early_help'], [v(4)]: null }, null, 2));
    const out = path.join(dir, 'out.json');
    const r = await run(['score', 'csa-identification', file, '--json', '--out', out, '--key', key]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('scored 1 row with csa-identification@1');
    // instruments/csa-identification/cases.json "trial key overrides a vignette": 3/3 = 1
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))[0].scores.vignettes).toBe(1);
    const plain = await run(['score', 'csa-identification', file, '--json']);
    expect(JSON.parse(plain.out)[0].scores.vignettes).toBe(0.75); // bundled key: 3 of 4
  });
});
