// Every staff page for each role, every public dashboard page and both reports, on the demo in Debian's Chromium at 1280 and 375 px:
// axe-core finds no violation of any impact, nothing overflows sideways on a phone, no page shows an ISO date or an instrument key,
// and the supervisor's page stays compact.
// DSLKIT_SCREENSHOTS=<folder> keeps a full-page PNG of each page at each width for a person to look at (e.g. tmp/screenshots).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, haveChromium, launchBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedDemoIfEmpty, DEMO_TRIAL_ID, DEMO_LA } from '../../server/domain/demo/seed-demo';
import { finishDemoSeed } from '../../server/cli/demo-finish';
import { createUser } from '../../server/storage/user-repo';
import { hashPassword } from '../../server/domain/auth/password';
import { staffRoutes } from '../../server/http/staff/routes';
import type { Role } from '../../server/domain/auth/roles';

const now = new Date('2026-11-20T12:00:00Z'); // the demo's intervention ended on 31 August 2026; its endline wave is open
const shotDir = process.env.DSLKIT_SCREENSHOTS ? path.resolve(process.env.DSLKIT_SCREENSHOTS) : null;
const WIDTHS = [1280, 375] as const;
const EVALUATOR = { email: 'evaluator-only@demo.invalid', password: 'correct horse battery staple' };
/** The supervisor's page on the demo measured 30,782 px tall at 1280 px before it listed schools by what needs doing (every session in one table). */
const SUPERVISOR_PAGE_MAX_PX = 6_000;

let server: TestServer;
let browser: Browser;
const accounts: Partial<Record<Role, { email: string; password: string }>> = {};
const ids: Record<string, string> = {};

/** Routes that answer with a file to download, not a page. */
const isDownload = (p: string) => p.endsWith('.csv') || p === '/trials/:trialId/exports/:file';

/** The pages a route stands for on the demo: its parameters filled with demo ids (both reports for reports/:kind). */
function pagesOf(routePath: string): string[] {
  if (routePath === '/trials/:trialId/reports/:kind') return ['arm-comparison', 'ipe'].map((k) => `/staff/trials/${DEMO_TRIAL_ID}/reports/${k}`);
  const filled = routePath.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`no demo value for :${name} in ${routePath}`);
    return ids[name];
  });
  return [`/staff${filled === '/' ? '' : filled}`];
}

interface Finding { page: string; width: number; problem: string }

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${server.url}/staff/login`);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('domcontentloaded');
  if (new URL(page.url()).pathname === '/staff/login') throw new Error(`could not sign in as ${who.email}`);
}

/** Opens a page once and checks it at each width (the viewport changes, the page is not reloaded). */
async function check(page: Page, label: string, url: string, findings: Finding[], heights: Map<string, number>): Promise<void> {
  const started = Date.now();
  const res = await page.goto(url, { waitUntil: 'load' });
  const loaded = Date.now();
  const status = res?.status() ?? 0;
  if (status !== 200 && !(label.startsWith('public') && status === 404 && url.endsWith('/nowhere'))) findings.push({ page: url, width: 0, problem: `HTTP ${status}` });
  if (!/\/reports\/[a-z-]+$/.test(new URL(url).pathname)) {
    // staff and public pages speak in words: "8 August 2025", never an ISO date or timestamp; instruments by name, never pss10@1
    const text = await page.evaluate('document.body.innerText') as string;
    for (const m of text.match(/\b20\d\d-\d\d-\d\d(T[\d:.]+Z?)?\b|\b[a-z][a-z0-9-]*@\d+\b/g) ?? []) findings.push({ page: url, width: 0, problem: `shows the stored value "${m}"` });
  }
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    for (const v of await axeViolations(page)) {
      findings.push({ page: url, width, problem: `axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')}` });
    }
    const size = await page.evaluate('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, height: document.documentElement.scrollHeight })') as { scroll: number; inner: number; height: number };
    if (width === 375 && size.scroll > size.inner) findings.push({ page: url, width, problem: `overflows sideways: ${size.scroll} px wide in a ${size.inner} px window` });
    heights.set(`${url} @${width}`, size.height);
    if (shotDir) await page.screenshot({ path: path.join(shotDir, `${label}${new URL(url).pathname.replace(/\W+/g, '-')}-${width}.png`), fullPage: true });
  }
  if (process.env.DSLKIT_PAGE_TIMES) process.stdout.write(`${label} ${new URL(url).pathname}: load ${loaded - started} ms, checks ${Date.now() - loaded} ms\n`);
}

const report = (findings: Finding[]) => findings.map((f) => `${f.page}${f.width ? ` at ${f.width} px` : ''}: ${f.problem}`);

describe.skipIf(!haveChromium)('every page on the demo, 1280 and 375 px (Chromium, axe-core)', () => {
  beforeAll(async () => {
    server = await startTestServer({ clock: () => now });
    const db = server.deps.db;
    const seeded = seedDemoIfEmpty(db, { clock: () => now, secret: server.deps.secret })!;
    await finishDemoSeed(db, seeded, { dbPath: server.deps.config.dbPath, publicUrl: server.url, clock: () => now });
    for (const a of seeded.accounts) accounts[a.role as Role] = { email: a.email, password: a.password };
    createUser(db, { email: EVALUATOR.email, name: 'Eve Evaluator', role: 'evaluator', laCode: null, passwordHash: await hashPassword(EVALUATOR.password) }, { actor: 'test', at: now.toISOString() });
    accounts.evaluator = EVALUATOR;
    const one = (sql: string) => String(Object.values(db.prepare(sql).get() as Record<string, unknown>)[0]);
    const supervisor = one("SELECT id FROM users WHERE email = 'supervisor@demo.invalid'");
    Object.assign(ids, {
      trialId: DEMO_TRIAL_ID, laCode: DEMO_LA.code, programmeId: 'demo-programme', userId: supervisor,
      waveId: one(`SELECT id FROM waves WHERE trial_id = '${DEMO_TRIAL_ID}' AND name = 'endline'`),
      dslId: one(`SELECT id FROM dsls WHERE trial_id = '${DEMO_TRIAL_ID}' AND status = 'active' ORDER BY id LIMIT 1`),
      sessionId: one(`SELECT id FROM supervision_sessions WHERE trial_id = '${DEMO_TRIAL_ID}' AND kind = 'formal' ORDER BY held_on DESC LIMIT 1`),
      urn: one(`SELECT urn FROM supervisor_assignments WHERE trial_id = '${DEMO_TRIAL_ID}' AND user_id = ${supervisor} ORDER BY urn LIMIT 1`),
      kind: 'invitation',
    });
    if (shotDir) fs.mkdirSync(shotDir, { recursive: true });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const heights = new Map<string, number>();
  const roles: Role[] = ['admin', 'evaluator', 'supervisor', 'la_officer'];
  for (const role of roles) {
    it(`every staff page a${role === 'admin' || role === 'evaluator' ? 'n' : ''} ${role} can open`, async () => {
      const pages = staffRoutes.filter((r) => r.method === 'get' && Array.isArray(r.roles) && r.roles.includes(role) && !isDownload(r.path)).flatMap((r) => pagesOf(r.path));
      expect(pages.length).toBeGreaterThan(role === 'supervisor' ? 3 : 5);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      await signIn(page, accounts[role]!);
      const findings: Finding[] = [];
      for (const url of pages) await check(page, role, `${server.url}${url}`, findings, heights);
      await context.close();
      expect(report(findings)).toEqual([]);
    }, 300_000);
  }

  it('the sign-in page and every public dashboard page, with the page a visitor gets for an LA that has published nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const findings: Finding[] = [];
    for (const url of ['/staff/login', '/dashboards', `/dashboards/${DEMO_LA.code}`, '/dashboards/nowhere']) await check(page, 'public', `${server.url}${url}`, findings, heights);
    // chart captions keep the instrument's name as it is written ("ONS", "PSS-10"), never a lower-cased key
    await page.goto(`${server.url}/dashboards/${DEMO_LA.code}`);
    const captions = await page.locator('figcaption').allTextContents();
    expect(captions.some((c) => c.includes('Life satisfaction (ONS)'))).toBe(true);
    expect(captions.filter((c) => /\b(ons4?|pss10|cbi|swemwbs)\b/.test(c))).toEqual([]);
    await context.close();
    expect(report(findings)).toEqual([]);
  }, 120_000);

  it(`the supervisor's page on the demo (47 schools and 12 settings) is under ${SUPERVISOR_PAGE_MAX_PX.toLocaleString('en-GB')} px tall at 1280 px`, () => {
    const height = heights.get(`${server.url}/staff/supervision @1280`);
    expect(height).toBeGreaterThan(1_000);
    expect(height).toBeLessThan(SUPERVISOR_PAGE_MAX_PX);
  });
});
