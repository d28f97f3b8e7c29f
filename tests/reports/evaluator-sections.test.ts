// The evaluator's report sections in the reports: in the Bolton report's order (executive summary, introduction and logic model first; Table 6 key conclusions, interpretation, limitations in the conclusion), each empty one said to be not yet written, the key conclusions numbered one per item, and hostile text (stored past the validation) printed as text.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import { renderReport } from '../../server/reports/render-trial-report';
import { setReportSectionsAudited } from '../../server/storage/report-section-repo';
import { DEMO_TRIAL_ID, seedDemo } from '../../server/domain/demo/seed-demo';
import { FIXTURE_SECRET, fixtureClock } from './fixture';

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); seedDemo(t.db, { clock: fixtureClock, secret: FIXTURE_SECRET }); });
afterEach(() => t.cleanup());
const render = (kind: 'arm-comparison' | 'ipe') => renderReport(t.db, { trialId: DEMO_TRIAL_ID, kind, clock: fixtureClock });
const by = { actor: 'cli:test', at: '2026-02-01T10:00:00.000Z' };
const EMPTY = ['Executive summary', 'Key conclusions', 'Introduction', 'Logic model', 'Interpretation', 'Limitations and lessons learned'];

describe('evaluator sections in the arm-comparison report', () => {
  it('says visibly where each section is still empty', async () => {
    const html = await render('arm-comparison');
    for (const title of EMPTY) expect(html.split(`${title}: not yet written by the evaluator.`).length - 1, title).toBe(1);
    expect(html).not.toContain('<caption>Table 6. Key conclusions</caption>');
  });

  it('prints the sections in the Bolton order, headings under their section, key conclusions numbered in Table 6', async () => {
    setReportSectionsAudited(t.db, DEMO_TRIAL_ID, {
      executive_summary: 'The **summary**.',
      introduction: '# Background and problem statement\n\nDSLs receive little supervision.',
      logic_model: 'Inputs lead to *activities*.',
      key_conclusions: 'These are the conclusions:\n\n1. First, with a [link](https://example.org/eef).\n2. Second,\n   over two lines.\n3. Third.\n\n   With a second paragraph.\n4. Fourth.',
      interpretation: 'What it means.',
      limitations: 'What limits it.',
    }, by);
    const html = await render('arm-comparison');
    for (const title of EMPTY) expect(html).not.toContain(`${title}: not yet written`);
    const at = (s: string) => { const i = html.indexOf(s); expect(i, s).toBeGreaterThan(-1); return i; };
    const order = ['id="executive-summary"', 'The <strong>summary</strong>.', 'id="introduction"', '<h3>Background and problem statement</h3>', 'id="logic-model"', 'Inputs lead to <em>activities</em>.',
      'id="design"', 'id="primary"', 'id="mdes"', 'id="conclusion"', '<caption>Table 6. Key conclusions</caption>', 'id="interpretation"', 'What it means.', 'id="limitations"', 'What limits it.', 'id="appendix"'];
    for (let i = 1; i < order.length; i++) expect(at(order[i - 1]), `${order[i - 1]} before ${order[i]}`).toBeLessThan(at(order[i]));
    const table = html.slice(at('<caption>Table 6. Key conclusions</caption>'), html.indexOf('</table>', at('<caption>Table 6.')));
    const rows = [...table.matchAll(/<tr><th scope="row" class="num">(\d+)<\/th><td>([\s\S]*?)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ['1', '<p>These are the conclusions:</p>'],
      ['2', '<p>First, with a <a href="https://example.org/eef">link</a>.</p>'],
      ['3', '<p>Second,\nover two lines.</p>'],
      ['4', '<p>Third.</p>\n<p>With a second paragraph.</p>'],
      ['5', '<p>Fourth.</p>'],
    ]);
    // The executive summary points to Table 6 instead of repeating it.
    expect(html).toContain('The key conclusions are listed in <a href="#key-conclusions">Table 6</a>.');
    expect(html).toContain('<li><a href="#executive-summary">Executive summary</a></li><li><a href="#introduction">Introduction</a></li>');
  });

  it('prints hostile text as text even when it was stored without the form\'s checks', async () => {
    // Written straight into the table, as an older version or a hand-edited database might have it.
    const put = t.db.prepare("INSERT INTO report_sections (trial_id, section, body, updated_at, updated_by) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', 'cli:x')");
    put.run(DEMO_TRIAL_ID, 'executive_summary', '<script>alert("summary")</script> <img src=x onerror=alert(1)> &lt;script&gt;');
    put.run(DEMO_TRIAL_ID, 'key_conclusions', '1. [click](javascript:alert(1))\n2. <a href="javascript:alert(2)">two</a>\n3. [data](data:text/html,<script>x</script>)');
    put.run(DEMO_TRIAL_ID, 'limitations', '[x](https://a.example/"onmouseover="alert(1)) </div></section><h2>fake</h2>');
    const html = await render('arm-comparison');
    expect(html).not.toMatch(/<script|<img|javascript:alert\(1\)"|href="javascript|href="data|<h2>fake/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;summary&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &amp;lt;script&amp;gt;');
    expect(html).toContain('<tr><th scope="row" class="num">1</th><td>click</td></tr>');
    expect(html).toContain('&lt;a href=&quot;javascript:alert(2)&quot;&gt;two&lt;/a&gt;');
    expect(html).toContain('<a href="https://a.example/&quot;onmouseover=&quot;alert(1)">x</a> &lt;/div&gt;&lt;/section&gt;&lt;h2&gt;fake&lt;/h2&gt;');
  });
});

describe('evaluator sections in the IPE report', () => {
  it('shows the introduction, logic model and limitations, not the impact-only sections', async () => {
    let html = await render('ipe');
    for (const title of ['Introduction', 'Logic model', 'Limitations and lessons learned']) expect(html).toContain(`${title}: not yet written by the evaluator.`);
    for (const title of ['Executive summary', 'Key conclusions', 'Interpretation']) expect(html).not.toContain(`${title}: not yet written`);
    setReportSectionsAudited(t.db, DEMO_TRIAL_ID, { logic_model: 'Supervision builds **confidence**.', limitations: '## Lessons\n\nFew evaluation forms.' }, by);
    html = await render('ipe');
    expect(html).toContain('Supervision builds <strong>confidence</strong>.');
    expect(html).toContain('<section id="limitations"><h2>Limitations and lessons learned</h2>\n<div class="evaluator-text">\n<h4>Lessons</h4>');
    expect(html.indexOf('id="introduction"')).toBeLessThan(html.indexOf('id="intervention"'));
    expect(html.indexOf('id="costs"')).toBeLessThan(html.indexOf('id="limitations"'));
  });
});
