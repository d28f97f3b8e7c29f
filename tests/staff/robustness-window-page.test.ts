// The robustness months on the staff report-settings page (issue 16): entered in the form, stored, shown back, and a wrong value refused with a GOV.UK error that names the field and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from './fixture';

let f: StaffFixture;
let ev: Signed;
const base = () => `/staff/trials/${f.ids.trial}/report-inputs`;
const stored = () => (f.server.deps.db.prepare("SELECT robustness_window FROM report_settings WHERE trial_id = 't1'").get() as { robustness_window: string | null } | undefined)?.robustness_window;
beforeAll(async () => { f = await staffFixture(); ev = await signIn(f, 'evaluator'); }, 60_000);
afterAll(async () => { await f.close(); });

describe('robustness months on the settings page', () => {
  it('saves "2026-01 to 2026-03", shows it back, refuses a reversed window, and an empty box returns to the default', async () => {
    const form = { 'effect-size': 'glass', 'se-type': 'auto' };
    const page0 = await (await request(f, ev, 'get', `${base()}/settings`)).text();
    expect(page0).toContain('<label class="govuk-label govuk-label--s" for="robustness-window">');
    const ok = await request(f, ev, 'post', `${base()}/settings`, { ...form, 'robustness-window': '2026-01 to 2026-03' });
    expect(ok.status).toBe(303);
    expect(stored()).toBe('2026-01/2026-03');
    expect(await (await request(f, ev, 'get', `${base()}/settings`)).text()).toContain('name="robustness-window" type="text" spellcheck="false" aria-describedby="robustness-window-hint" value="2026-01 to 2026-03"');
    const bad = await request(f, ev, 'post', `${base()}/settings`, { ...form, 'robustness-window': '2026-03 to 2026-01' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('<a href="#robustness-window">The first month of the robustness window must not be after its last month');
    expect(html).toContain('value="2026-03 to 2026-01"');
    expect(stored()).toBe('2026-01/2026-03');
    expect((await request(f, ev, 'post', `${base()}/settings`, { ...form, 'robustness-window': '' })).status).toBe(303);
    expect(stored()).toBeNull();
  });
});
