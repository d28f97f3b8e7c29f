// The page behind an invitation link /s/<token>: the start page on first opening, then the survey page (questions drawn on the server, the built client taking over), otherwise a plain page a DSL understands (no JavaScript).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { DslkitError } from '../../shared/errors';
import { openInvitation } from './survey-routes';
import { precompressedAssets } from './precompressed-assets';
import { sendCompressed } from './compressed-body';
import { respondentSurvey } from '../domain/surveys/respondent-survey';
import { estimatedMinutes } from '../domain/surveys/start-page';
import { findResponseForLink, saveProgress, submitResponse } from '../storage/response-repo';
import { instrumentDefs } from '../domain/surveys/submission-rules';
import { ConflictError } from '../../shared/errors';
import { getStartPageText, trialOfWave } from '../storage/start-page-repo';
import { clientShell, startPageDocument, surveyDocument } from '../views/respondent/respondent-html';
import { escapeHtml, pageLabel, renderSurveyPageHtml, thankYouHtml, type PageError, type SurveyJson } from '../views/respondent/survey-page-html';
import { answersFromForm, pageQuestions } from '../domain/surveys/form-answers';
import { formatClosing } from '../views/respondent/closing';
import type { SurveyInvitation } from '../storage/survey-access-repo';

/** Where Vite writes the respondent client (client/vite.config.ts). */
export const clientDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'client', 'dist');

const supportLine = `<p>If you would like to talk to someone about how you are feeling, the Education Support helpline is free
  and confidential, open 24 hours a day: call <a href="tel:08000562561">08000 562 561</a> or visit
  <a href="https://www.educationsupport.org.uk/">educationsupport.org.uk</a>.</p>`;

const pages: Record<number, { title: string; body: string }> = {
  404: {
    title: "This link doesn't work",
    body: `<p>We could not find a survey for this link.</p>
  <ul>
    <li>Check that you copied the <strong>whole</strong> link from your invitation email. Long links are sometimes split over two lines.</li>
    <li>Try clicking the link in the email again, or copy and paste it into the address bar.</li>
    <li>If it still doesn't work, reply to your invitation email and the evaluation team will send you a new link.</li>
  </ul>`,
  },
  410: {
    title: 'This survey has closed',
    body: `<p>Thank you for taking the time to open it. This survey is no longer accepting answers, so there is nothing more you need to do.</p>
  <p>If you think this is a mistake, reply to your invitation email and the evaluation team will help.</p>
  ${supportLine}`,
  },
  503: {
    title: 'The survey is not available just now',
    body: `<p>Please try again in a few minutes. Your saved answers are safe.</p>`,
  },
};

/** A complete, self-contained HTML page: lang, title, one heading, readable without scripts or external files. */
export function plainPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} – DSL survey</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; font-size: 1.125rem; line-height: 1.5; color: #0b0c0c; background: #fff; margin: 0; }
  main { max-width: 40rem; margin: 0 auto; padding: 2rem 1rem; }
  h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 1rem; }
  a { color: #1d4f91; text-decoration-thickness: 2px; }
  a:focus-visible { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
</style>
</head>
<body>
<main>
  <h1>${title}</h1>
  ${body}
</main>
</body>
</html>
`;
}

function sendPlainPage(res: Response, status: number): void {
  const page = pages[status] ?? pages[404];
  res.status(status).set('Cache-Control', 'no-store').type('html').send(plainPage(page.title, page.body));
}

export function respondentPages(deps: AppDeps): Router {
  const router = Router();
  router.use('/assets', precompressedAssets(path.join(clientDist, 'assets')));

  router.get('/s/:token', (req, res) => {
    const opened = open(req, res);
    if (!opened) return;
    sendCompressed(req, res, respondentDocument(deps, opened.inv, opened.shell, { begin: req.query.begin !== undefined }), 'html');
  });

  // The survey without JavaScript (or before it arrives): the page's form posts here; saved, then the next page (303).
  router.post('/s/:token', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 500 }), (req, res) => {
    const opened = open(req, res);
    if (!opened) return;
    const { inv, shell } = opened;
    const token = String(req.params.token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const saved = findResponseForLink(deps.db, inv);
    if (saved?.status === 'complete') { res.redirect(303, `/s/${encodeURIComponent(token)}`); return; }
    const { survey, pageCount } = respondentSurvey(instrumentDefs(inv.instruments));
    const posted = Number(body.page);
    const page = Number.isInteger(posted) && posted >= 0 && posted < pageCount ? posted : (saved?.currentPage ?? 0);
    const { answers, problems } = answersFromForm(survey as SurveyJson, page, body, saved?.answers ?? {});
    const nav = body.nav === 'previous' ? 'previous' : body.nav === 'submit' && page === pageCount - 1 ? 'submit' : 'next';
    const at = deps.clock().toISOString();
    const again = (errors: PageError[], status: number) => {
      res.status(status);
      sendCompressed(req, res, respondentDocument(deps, inv, shell, { begin: true, page, answers, errors }), 'html');
    };
    if (problems.length) { again(pageErrors(survey as SurveyJson, page, problems), 400); return; }
    try {
      if (nav === 'submit') {
        saveProgress(deps.db, inv, answers, page, at); // kept even if the submission is refused as incomplete
        submitResponse(deps.db, inv, answers, at);
        res.redirect(303, `/s/${encodeURIComponent(token)}`);
        return;
      }
      saveProgress(deps.db, inv, answers, nav === 'previous' ? Math.max(0, page - 1) : Math.min(pageCount - 1, page + 1), at);
      res.redirect(303, `/s/${encodeURIComponent(token)}?begin`);
    } catch (err) {
      if (err instanceof ConflictError) { res.redirect(303, `/s/${encodeURIComponent(token)}`); return; }
      if (err instanceof DslkitError && err.status < 500) { again(pageErrors(survey as SurveyJson, page, err.problems, err.message), err.status); return; }
      throw err;
    }
  });

  /** The invitation behind the link and the built page, or a plain page already sent (404, 410, 503). */
  function open(req: Request, res: Response): { inv: SurveyInvitation; shell: string } | undefined {
    res.set('Referrer-Policy', 'no-referrer');
    res.set('Cache-Control', 'no-store');
    let inv: SurveyInvitation;
    try {
      inv = openInvitation(deps, String(req.params.token));
    } catch (err) {
      if (err instanceof DslkitError && (err.status === 404 || err.status === 410)) { sendPlainPage(res, err.status); return undefined; }
      throw err;
    }
    const index = path.join(clientDist, 'index.html');
    if (!fs.existsSync(index)) {
      deps.log('the respondent client is not built (client/dist/index.html missing): run npm run build:client');
      sendPlainPage(res, 503);
      return undefined;
    }
    return { inv, shell: clientShell(index) };
  }
  return router;
}

/** The welcome-back line, in the words the client also uses: where they are, and that their answers were kept. */
export function welcomeBack(survey: SurveyJson, page: number): string {
  const { position, title } = pageLabel(survey, page);
  return `Welcome back. The answers you gave before have been kept. You are on ${position.toLowerCase()}${title ? `: ${title}` : ''}.`;
}

/**
 * First opening of a wave invitation (nothing saved yet, no ?begin): the start page (a session form's link goes
 * straight to its questions: the DSL has just been in the session). Otherwise the survey page on the saved page, its
 * questions drawn here with the saved answers, and the data GET /api/s/:token would give inlined for the script.
 */
function respondentDocument(deps: AppDeps, inv: SurveyInvitation, shell: string, opts: { begin: boolean; page?: number; answers?: Record<string, unknown>; errors?: PageError[] }): string {
  const saved = findResponseForLink(deps.db, inv);
  const begin = opts.begin;
  const defs = instrumentDefs(inv.instruments);
  const { survey, pageCount } = respondentSurvey(defs);
  const closes = formatClosing(inv.closesAt);
  if (!saved && !begin && inv.waveId !== null) {
    const trial = trialOfWave(deps.db, inv.waveId);
    const text = trial ? getStartPageText(deps.db, trial.id) : undefined;
    return startPageDocument(shell, {
      trialTitle: trial?.title ?? 'an evaluation', runBy: text?.runBy, purpose: text?.purpose || undefined, contact: text?.contact, privacyUrl: text?.privacyUrl,
      instruments: defs.map((d) => d.title), minutes: estimatedMinutes(defs), closes, startHref: '?begin',
    });
  }
  const data = opts.answers ?? saved?.answers ?? {};
  const status = saved?.status ?? 'new';
  const page = opts.page ?? (saved && saved.currentPage > 0 && saved.currentPage < pageCount ? saved.currentPage : 0);
  const resumed = status === 'partial' && Object.keys(saved?.answers ?? {}).length > 0 && !opts.errors;
  const header = status === 'complete' ? '' : `<header class="dk-header"><h1>Survey for Designated Safeguarding Leads</h1>
${resumed ? `<p class="dk-welcome">${escapeHtml(welcomeBack(survey as SurveyJson, page))}</p>` : ''}
<p>Each answer is saved as you give it. You can leave and come back to this link, on any device, until ${escapeHtml(closes)}.</p></header>`;
  return surveyDocument(shell, {
    header,
    questions: status === 'complete' ? `<div class="dk-main dk-thanks">${thankYouHtml}</div>` : renderSurveyPageHtml(survey as SurveyJson, page, data, opts.errors),
    boot: { survey, data, page, status, closesAt: inv.closesAt },
  });
}

/** Problems as error-summary lines, linked to their question when it is on this page. */
function pageErrors(survey: SurveyJson, page: number, problems: { pointer: string; detail: string }[], fallback = 'Some answers could not be accepted.'): PageError[] {
  const onPage = new Set(pageQuestions(survey, page).map((q) => String(q.name)));
  const errors = problems.map((p) => {
    const name = /^\/(?:answers|data)\/(.+)$/.exec(p.pointer)?.[1];
    return { text: p.detail, ...(name && onPage.has(name) ? { question: name } : {}) };
  });
  return errors.length ? errors : [{ text: fallback }];
}
