// `dslkit report-inputs section list|set|clear` run in-process on the demo trial: a Markdown file becomes the section the report prints (escaped), a javascript: link or an unknown section is one clear line and changes nothing, clearing brings the "not yet written" line back; each change audited.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { renderReport } from '../../server/reports/render-trial-report';
import { DEMO_TRIAL_ID, seedDemo } from '../../server/domain/demo/seed-demo';
import { captureIo, tempDb, tempDir } from '../helpers/temp';
import { FIXTURE_SECRET, fixtureClock } from './fixture';

const t = tempDb();
const dir = tempDir();
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(['report-inputs', ...args, '--db', t.file], c.io, {}, fixtureClock);
  return { code, out: c.out(), err: c.err() };
}
const file = (name: string, text: string) => { const p = path.join(dir.dir, name); fs.writeFileSync(p, text); return p; };
const sections = () => t.db.prepare('SELECT section, body FROM report_sections WHERE trial_id = ? ORDER BY section').all(DEMO_TRIAL_ID);
const audits = () => t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'report_inputs.sections'").pluck().get();

beforeAll(() => { seedDemo(t.db, { clock: fixtureClock, secret: FIXTURE_SECRET }); });
afterAll(() => { t.cleanup(); dir.cleanup(); });

describe('dslkit report-inputs section', () => {
  it('sets a section from a Markdown file, lists it, and the report prints it escaped', async () => {
    const r = await cli('section', 'set', '--trial', DEMO_TRIAL_ID, '--section', 'executive-summary', '--file', file('summary.md', '# Findings\r\n\r\nNo **difference** <script>x</script>.\r\n'));
    expect(r).toMatchObject({ code: 0, err: '', out: `Saved the executive summary of ${DEMO_TRIAL_ID}.\n` });
    expect(sections()).toEqual([{ section: 'executive_summary', body: '# Findings\n\nNo **difference** <script>x</script>.' }]);
    const list = await cli('section', 'list', '--trial', DEMO_TRIAL_ID);
    expect(list.out.split('\n')[0]).toBe(`executive-summary\t${'# Findings\n\nNo **difference** <script>x</script>.'.length} characters, saved 2026-03-01\tExecutive summary`);
    expect(list.out).toContain('key-conclusions\tnot yet written\tKey conclusions');
    const html = await renderReport(t.db, { trialId: DEMO_TRIAL_ID, kind: 'arm-comparison', clock: fixtureClock });
    expect(html).toContain('<h3>Findings</h3>\n<p>No <strong>difference</strong> &lt;script&gt;x&lt;/script&gt;.</p>');
    expect((await cli('section', 'set', '--trial', DEMO_TRIAL_ID, '--section', 'executive_summary', '--file', file('same.md', '# Findings\n\nNo **difference** <script>x</script>.'))).out)
      .toBe(`The executive summary of ${DEMO_TRIAL_ID} already had this text; nothing changed.\n`);
    expect(audits()).toBe(1);
  });

  it('refuses a javascript: link, an unknown section and an empty file with one line each, changing nothing', async () => {
    const before = sections();
    const bad = await cli('section', 'set', '--trial', DEMO_TRIAL_ID, '--section', 'limitations', '--file', file('bad.md', 'See [x](javascript:alert(1)).'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('Links in the limitations and lessons learned must start with https://, http:// or mailto: (“javascript:alert(1)” cannot be used)');
    expect(bad.err).not.toMatch(/\n\s+at /); // no stack trace
    const unknown = await cli('section', 'set', '--trial', DEMO_TRIAL_ID, '--section', 'abstract', '--file', file('a.md', 'x'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('--section "abstract" is not a report section (one of executive-summary, key-conclusions, introduction, logic-model, interpretation, limitations)');
    const empty = await cli('section', 'set', '--trial', DEMO_TRIAL_ID, '--section', 'limitations', '--file', file('empty.md', '\n  \n'));
    expect(empty.err).toContain('empty.md is empty; to empty the section use: report-inputs section clear');
    expect(sections()).toEqual(before);
    expect(audits()).toBe(1);
  });

  it('clears a section, and the report says it is not yet written', async () => {
    expect((await cli('section', 'clear', '--trial', DEMO_TRIAL_ID, '--section', 'executive-summary')).out).toBe(`Cleared the executive summary of ${DEMO_TRIAL_ID}.\n`);
    expect(sections()).toEqual([]);
    const html = await renderReport(t.db, { trialId: DEMO_TRIAL_ID, kind: 'arm-comparison', clock: fixtureClock });
    expect(html).toContain('Executive summary: not yet written by the evaluator.');
    expect(audits()).toBe(2);
  });
});
