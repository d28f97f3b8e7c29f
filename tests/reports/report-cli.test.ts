// `dslkit report`: writes the HTML file for a seeded trial, refuses unknown kinds and trials with clear messages.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../server/cli';
import { tempDb, captureIo } from '../helpers/temp';
import { seedReportFixture } from './fixture';

let t: ReturnType<typeof tempDb>;
beforeAll(() => { t = tempDb(); seedReportFixture(t.db); t.db.close(); });
afterAll(() => t.cleanup());

describe('dslkit report', () => {
  it('writes one self-contained HTML file', async () => {
    const out = path.join(t.dir, 'out', 'ipe.html');
    const c = captureIo();
    const code = await runCli(['report', 'ipe', '--trial', 'demo', '--out', out, '--db', t.file], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    expect(c.out()).toContain(`wrote ${out}`);
    const html = fs.readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(/<script/i.test(html)).toBe(false);
  });

  it('rejects an unknown report kind (exit 2)', async () => {
    const c = captureIo();
    const code = await runCli(['report', 'summary', '--trial', 'demo', '--out', path.join(t.dir, 'x.html'), '--db', t.file], c.io);
    expect(code).toBe(2);
    expect(c.err()).toContain('unknown report "summary": use arm-comparison or ipe');
  });

  it('says when the trial does not exist (exit 1)', async () => {
    const c = captureIo();
    const code = await runCli(['report', 'ipe', '--trial', 'nosuch', '--out', path.join(t.dir, 'y.html'), '--db', t.file], c.io);
    expect(code).toBe(1);
    expect(c.err()).toContain('There is no trial "nosuch".');
    expect(fs.existsSync(path.join(t.dir, 'y.html'))).toBe(false);
  });
});
