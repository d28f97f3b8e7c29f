// The documents behind an invitation link: the start page, and the survey page (the built client's index.html with the current page's questions drawn on the server and the survey data inlined, so the script needs no further request).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from './survey-page-html';

const here = path.dirname(fileURLToPath(import.meta.url));
const inlineCss = fs.readFileSync(path.join(here, 'respondent-ssr.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s*\n\s*/g, '');

/** The built client's index.html, re-read when the build changes it. */
let shell: { file: string; mtimeMs: number; html: string } | undefined;
export function clientShell(indexFile: string): string {
  const mtimeMs = fs.statSync(indexFile).mtimeMs;
  if (!shell || shell.file !== indexFile || shell.mtimeMs !== mtimeMs) shell = { file: indexFile, mtimeMs, html: fs.readFileSync(indexFile, 'utf8') };
  return shell.html;
}

/** The script and stylesheet the built page loads (for the start page to fetch ahead at low priority). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
}

/** JSON inside <script type="application/json">: no "</script>" or "<!--" can end or change it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface SurveyDocument {
  /** Header lines above the questions (already HTML). */
  header: string;
  /** The current page's questions drawn on the server, or undefined (the script draws the page). */
  questions: string | undefined;
  /** What GET /api/s/:token would answer, for the script to start from. */
  boot: unknown;
}

/** The built index.html with the inline first-paint styles, the header and questions in #root, and the boot data. */
export function surveyDocument(indexHtml: string, doc: SurveyDocument): string {
  const root = `<div id="root">${doc.header}<main class="dk-survey-ssr" id="main">${doc.questions ?? '<p>Loading the survey…</p>'}
<noscript><p>This survey needs JavaScript to save your answers. Please turn it on, or open the link on another device.</p></noscript></main></div>`;
  const start = indexHtml.indexOf('<div id="root">');
  const end = indexHtml.indexOf('<!-- /root -->');
  if (start < 0 || end < start) throw new Error('client/dist/index.html has no <div id="root"> ... <!-- /root --> block: rebuild the client');
  return `${indexHtml.slice(0, start).replace('</head>', `<style>${inlineCss}</style>\n</head>`)}${root}
<script type="application/json" id="dk-boot">${scriptJson(doc.boot)}</script>
${indexHtml.slice(end + '<!-- /root -->'.length)}`;
}

export interface StartPage {
  trialTitle: string;
  runBy: string | undefined;
  purpose: string | undefined;
  contact: string | undefined;
  privacyUrl: string | undefined;
  instruments: string[];
  minutes: number;
  closes: string;
  startHref: string;
}

/** The page before the first question: who, what and why, how long, how answers are protected, stopping and coming back, who to contact. */
export function startPageDocument(indexHtml: string, p: StartPage): string {
  const prefetch = assetsOf(indexHtml).map((href) => `<link rel="prefetch" href="${escapeHtml(href)}" crossorigin>`).join('\n');
  const runBy = p.runBy ? `${escapeHtml(p.runBy)} runs it` : 'The evaluation team runs it';
  const privacy = p.privacyUrl
    ? `<p>Read the <a href="${escapeHtml(p.privacyUrl)}">privacy notice for this study</a> (opens the study's own website) for who holds your answers, for how long, and your rights.</p>`
    : '<p>The evaluation team will send you the privacy notice for this study if you ask them: it says who holds your answers, for how long, and your rights.</p>';
  const contact = p.contact ? `contact ${escapeHtml(p.contact)}` : 'reply to your invitation email';
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>Before you start – Survey for Designated Safeguarding Leads</title>
<style>${inlineCss}</style>
${prefetch}
</head>
<body>
<main class="dk-main" id="main">
<h1>Survey for Designated Safeguarding Leads</h1>
<p>This survey is part of <strong>${escapeHtml(p.trialTitle)}</strong>, a study of support for Designated Safeguarding Leads in schools. ${runBy}.</p>
<h2>What we will ask and why</h2>
<p>${p.purpose ? escapeHtml(p.purpose) : 'We ask how you are and how you feel about your safeguarding role, to learn what helps Designated Safeguarding Leads. There are no right or wrong answers.'}</p>
<p>The survey has these parts:</p>
<ul>${p.instruments.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>
<p>It takes about <strong>${p.minutes} minute${p.minutes === 1 ? '' : 's'}</strong>.</p>
<h2>How your answers are used and protected</h2>
<p>Your answers are analysed under a code number, not your name, and are never shown to your school or your local authority. Reports only show figures for groups of people.</p>
${privacy}
<h2>Stopping and coming back</h2>
<p>Each answer is saved as you give it. You can stop at any time and come back to this link, on any device, until ${escapeHtml(p.closes)}.</p>
<h2>Questions about the study</h2>
<p>If you have a question, ${contact}.</p>
<a class="dk-start-button" href="${escapeHtml(p.startHref)}" role="button" draggable="false">Start now</a>
</main>
</body>
</html>
`;
}
