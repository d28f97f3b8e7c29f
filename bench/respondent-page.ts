// Bench figure: the respondent page as a DSL receives it: the built server, Debian's Chromium, a phone (375 × 812, fast 3G, CPU 4× slower) and a desktop profile; bytes over the wire, first question, interactive, second visit.
import os from 'node:os';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { openDatabase } from '../server/storage/db';
import { issueInvitations } from '../server/storage/invitation-repo';
import { launchBrowser } from '../tests/helpers/browser';
import { ensureClientBuilt } from '../tests/helpers/build-client';
import { benchInstruments, createSurveyFixture } from './helpers/fixture';
import { startServerProcess } from './helpers/server-process';
import { benchClientSize } from './client-size';

export interface Profile {
  name: 'phone' | 'desktop';
  viewport: { width: number; height: number };
  mobile: boolean;
  /** Network.emulateNetworkConditions; undefined = loopback, unthrottled. */
  network?: { latency: number; downloadThroughput: number; uploadThroughput: number };
  /** Emulation.setCPUThrottlingRate (1 = no slow-down). */
  cpuSlowdown: number;
}

/** The issue's phone: fast 3G (150 ms, 1.6 Mbit/s down, 750 kbit/s up) and a CPU 4× slower; throughputs are bytes per second. */
export const phone: Profile = {
  name: 'phone', viewport: { width: 375, height: 812 }, mobile: true,
  network: { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 }, cpuSlowdown: 4,
};
/** A desktop on the office network: 1366 × 768, no network or CPU emulation (loopback). */
export const desktop: Profile = { name: 'desktop', viewport: { width: 1366, height: 768 }, mobile: false, cpuSlowdown: 1 };

export interface VisitFigures {
  /** Sum of encodedDataLength over every Network.loadingFinished: what crossed the wire, headers included. */
  bytes: number;
  /** Each response: url path, encoded bytes, content-encoding. */
  resources: { path: string; bytes: number; encoding: string }[];
  /** ms from navigation start to the first frame painted with a survey question on screen. */
  firstQuestionMs: number;
  /** ms from navigation start to the first frame with a question rendered by the survey script (clicks are handled and saved). */
  interactiveMs: number;
  /** ms from navigation start to the first frame with the start page's Start button (start-page visits only). */
  startPageMs: number;
}

/**
 * Recorded in the page from before its first script: the first animation frame after a question exists with a
 * size (frames do not run while render-blocking CSS is outstanding, so this is a painted frame), and the same for
 * a question inside the SurveyJS root. performance.now() counts from navigation start.
 */
const probe = `(() => {
  const marks = { first: 0, interactive: 0, start: 0 };
  window.__dkMarks = marks;
  const visible = (sel) => { const el = document.querySelector(sel); if (!el) return false; const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const check = () => {
    if (!marks.first && visible('[data-name] input, [data-name] textarea')) requestAnimationFrame(() => { marks.first ||= performance.now(); });
    if (!marks.start && visible('.dk-start-button')) requestAnimationFrame(() => { marks.start ||= performance.now(); });
    if (!marks.interactive && visible('.sd-root-modern [data-name] input, .sd-root-modern [data-name] textarea')) requestAnimationFrame(() => { marks.interactive ||= performance.now(); });
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

async function emulate(cdp: CDPSession, profile: Profile): Promise<void> {
  await cdp.send('Network.enable');
  if (profile.network) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
}

/** Opens the link in the context's new page and waits until the survey is interactive (or the start page shows) and the network has been quiet for 1 s. */
export async function visit(context: BrowserContext, profile: Profile, url: string, until: 'interactive' | 'start' = 'interactive', timeoutMs = 60_000): Promise<VisitFigures> {
  const page: Page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await emulate(cdp, profile);
  const inFlight = new Map<string, { path: string; encoding: string }>();
  const resources: VisitFigures['resources'] = [];
  let lastActivity = Date.now();
  cdp.on('Network.requestWillBeSent', (e) => { inFlight.set(e.requestId, { path: new URL(e.request.url).pathname, encoding: '' }); lastActivity = Date.now(); });
  cdp.on('Network.responseReceived', (e) => {
    const r = inFlight.get(e.requestId);
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    if (r) r.encoding = headers['content-encoding'] ?? 'identity';
  });
  const done = (id: string, bytes: number) => {
    const r = inFlight.get(id);
    if (r) { resources.push({ path: r.path, bytes, encoding: r.encoding }); inFlight.delete(id); }
    lastActivity = Date.now();
  };
  cdp.on('Network.loadingFinished', (e) => done(e.requestId, e.encodedDataLength));
  cdp.on('Network.loadingFailed', (e) => done(e.requestId, 0));
  await page.addInitScript(probe);
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    await page.waitForFunction((mark) => ((window as unknown as { __dkMarks: Record<string, number> }).__dkMarks?.[mark] ?? 0) > 0, until, { timeout: timeoutMs, polling: 100 });
    const deadline = Date.now() + timeoutMs;
    while ((inFlight.size > 0 || Date.now() - lastActivity < 1000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const marks = await page.evaluate(() => (window as unknown as { __dkMarks: { first: number; interactive: number; start: number } }).__dkMarks);
    return {
      bytes: resources.reduce((s, r) => s + r.bytes, 0), resources,
      firstQuestionMs: Math.round(marks.first), interactiveMs: Math.round(marks.interactive), startPageMs: Math.round(marks.start),
    };
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}

export interface ProfileRun { first: VisitFigures; second: VisitFigures; start: VisitFigures }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kb = (bytes: number) => Math.round(bytes / 100) / 10;

/**
 * A fresh server on a bench database (the baseline instruments, 37 items; two open waves so a second visit is a
 * new wave's link), then per profile `runs` times: in a new browser context (empty cache) the survey page of a
 * link (`?begin`, past the start page: the first question on a cold cache), then in the same context the next
 * wave's link (second visit); and in another new context a link's start page, cold. Returns the runs.
 */
export async function measureRespondentPage(opts: { phoneRuns?: number; desktopRuns?: number } = {}): Promise<{ phone: ProfileRun[]; desktop: ProfileRun[]; loadAverage: number[] }> {
  ensureClientBuilt();
  const phoneRuns = opts.phoneRuns ?? 3;
  const desktopRuns = opts.desktopRuns ?? 3;
  const n = phoneRuns + desktopRuns;
  const fx = await createSurveyFixture({ invitations: 2 * n, instruments: benchInstruments });
  const db = openDatabase(fx.dbFile);
  let secondTokens: string[];
  try {
    const now = new Date();
    const wave = db.prepare('INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments) VALUES (?, ?, ?, ?, ?)')
      .run(fx.trialId, 'endline', new Date(now.getTime() - 86_400_000).toISOString(), new Date(now.getTime() + 30 * 86_400_000).toISOString(), JSON.stringify(benchInstruments));
    const dslIds = (db.prepare('SELECT id FROM dsls WHERE trial_id = ? ORDER BY id').all(fx.trialId) as { id: string }[]).map((r) => r.id);
    secondTokens = issueInvitations(db, fx.secret, Number(wave.lastInsertRowid), dslIds, now.toISOString()).map((i) => i.token);
  } finally { db.close(); }
  const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
  const browser = await launchBrowser();
  const loadAverage = os.loadavg();
  const result: { phone: ProfileRun[]; desktop: ProfileRun[]; loadAverage: number[] } = { phone: [], desktop: [], loadAverage };
  try {
    let next = 0;
    for (const [profile, runs] of [[phone, phoneRuns], [desktop, desktopRuns]] as const) {
      for (let i = 0; i < runs; i++, next++) {
        const context = await browser.newContext({ viewport: profile.viewport, isMobile: profile.mobile, hasTouch: profile.mobile, deviceScaleFactor: profile.mobile ? 2 : 1 });
        const fresh = await browser.newContext({ viewport: profile.viewport, isMobile: profile.mobile, hasTouch: profile.mobile, deviceScaleFactor: profile.mobile ? 2 : 1 });
        try {
          const first = await visit(context, profile, `${server.url}/s/${fx.tokens[next]}?begin`);
          const second = await visit(context, profile, `${server.url}/s/${secondTokens[next]}?begin`);
          const start = await visit(fresh, profile, `${server.url}/s/${fx.tokens[n + next]}`, 'start');
          result[profile.name].push({ first, second, start });
        } finally { await context.close(); await fresh.close(); }
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    fx.cleanup();
  }
  return result;
}

export interface Figure { label: string; value: number | string; unit?: string; target?: string; ok?: boolean }

/** Medians of the runs, as bench table rows (the phone rows carry the issue's targets). */
export function respondentFigures(m: Awaited<ReturnType<typeof measureRespondentPage>>): Figure[] {
  const rows: Figure[] = [];
  for (const [name, runs] of [['phone', m.phone], ['desktop', m.desktop]] as const) {
    if (!runs.length) continue;
    const isPhone = name === 'phone';
    const bytes = kb(median(runs.map((r) => r.first.bytes)));
    const first = median(runs.map((r) => r.first.firstQuestionMs)) / 1000;
    const inter = median(runs.map((r) => r.first.interactiveMs)) / 1000;
    const second = median(runs.map((r) => r.second.firstQuestionMs)) / 1000;
    const secondBytes = kb(median(runs.map((r) => r.second.bytes)));
    const start = median(runs.map((r) => r.start.startPageMs)) / 1000;
    const startBytes = kb(median(runs.map((r) => r.start.bytes)));
    const of = `median of ${runs.length}: ${runs.map((r) => (r.first.firstQuestionMs / 1000).toFixed(2)).join(', ')} s`;
    const profile = isPhone ? 'phone (375×812, fast 3G, CPU 4×)' : 'desktop (1366×768, loopback)';
    rows.push({ label: `${profile}: bytes over the wire, first visit`, value: bytes, unit: 'kB', ...(isPhone ? { target: '≤ 450 kB', ok: bytes <= 450 } : {}) });
    rows.push({ label: `${profile}: first question visible (${of})`, value: first, unit: 's', ...(isPhone ? { target: '≤ 2.0 s', ok: first <= 2.0 } : {}) });
    rows.push({ label: `${profile}: survey script took over (interactive; the server-drawn form is answerable from the first question)`, value: inter, unit: 's', ...(isPhone ? { target: '≤ 4.0 s', ok: inter <= 4.0 } : {}) });
    rows.push({ label: `${profile}: start page visible (first opening of a link; ${startBytes} kB with the script fetched ahead)`, value: start, unit: 's' });
    rows.push({ label: `${profile}: second visit (cached, a new wave's link), first question; ${secondBytes} kB over the wire`, value: second, unit: 's', ...(isPhone ? { target: '≤ 1.0 s', ok: second <= 1.0 } : {}) });
  }
  rows.push({ label: 'load average during the browser runs (1/5/15 min)', value: m.loadAverage.map((l) => l.toFixed(2)).join(' / ') });
  return rows;
}

/** `npm run bench` entry (area "respondent client"): what the browser receives first, the files on disk second. */
export async function benchRespondentPage(): Promise<Figure[]> {
  const measured = await measureRespondentPage();
  const onDisk = (await benchClientSize()).map((f) => ({ label: `on disk (secondary): ${f.label}`, value: f.kb, unit: 'kB' }));
  return [...respondentFigures(measured), ...onDisk];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 3);
  const m = await measureRespondentPage({ phoneRuns: runs, desktopRuns: runs });
  for (const [name, rs] of [['phone', m.phone], ['desktop', m.desktop]] as const) {
    for (const r of rs) {
      process.stdout.write(`${name}: ${r.first.bytes} B, first question ${r.first.firstQuestionMs} ms, interactive ${r.first.interactiveMs} ms; second visit ${r.second.bytes} B, ${r.second.firstQuestionMs} ms / ${r.second.interactiveMs} ms; start page ${r.start.startPageMs} ms, ${r.start.bytes} B\n`);
    }
    if (rs[0]) for (const res of rs[0].first.resources) process.stdout.write(`   ${res.path.replace(/\/s\/[^/]+/, '/s/<token>').replace(/\/api\/s\/[^/]+/, '/api/s/<token>')} ${res.bytes} B ${res.encoding}\n`);
  }
  for (const f of respondentFigures(m)) process.stdout.write(`${f.label}: ${f.value}${f.unit ? ` ${f.unit}` : ''}${f.target ? ` (target ${f.target}${f.ok ? ', met' : ', MISSED'})` : ''}\n`);
}
