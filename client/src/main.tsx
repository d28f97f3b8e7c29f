// Entry point of the respondent page at /s/<token>: takes over the server-drawn page (its answers, its focus) once the survey stylesheet has loaded, in one task so no click falls between.
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import 'survey-core/survey-core.fontless.css';
import './respondent.css';
import { RespondentApp, type EarlyAnswers } from './respondent-app';
import { tokenFromPath, type LoadedSurvey } from './survey-api';

/** The survey data the server inlined (what GET /api/s/:token answers), if any. */
function bootData(): LoadedSurvey | undefined {
  const el = document.getElementById('dk-boot');
  if (!el?.textContent) return undefined;
  try { return JSON.parse(el.textContent) as LoadedSurvey; } catch { return undefined; }
}

/** Applies the preloaded survey stylesheet (client/build/defer-stylesheet.ts) and resolves when it has loaded (or failed, or after 8 s). */
function surveyStylesheet(): Promise<void> {
  const preload = document.querySelector<HTMLLinkElement>('link[data-dk-survey-css]');
  if (!preload) return Promise.resolve();
  return new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    if (preload.crossOrigin !== null) link.crossOrigin = preload.crossOrigin;
    link.href = preload.href;
    const done = () => resolve();
    link.addEventListener('load', done, { once: true });
    link.addEventListener('error', done, { once: true });
    setTimeout(done, 8000);
    document.head.appendChild(link);
  });
}

/** What the DSL answered on the server-drawn page, and which control had focus. */
function earlyAnswers(): { answers: EarlyAnswers; focused?: { name: string; value: string } } {
  const form = document.getElementById('dk-ssr-form');
  const answers: EarlyAnswers = {};
  if (!form) return { answers };
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[name], textarea[name]')) {
    if (el instanceof HTMLInputElement && el.type === 'radio') { if (el.checked) answers[el.name] = el.value; continue; }
    if (el.value !== el.defaultValue) answers[el.name] = el.value;
  }
  const active = document.activeElement;
  const focused = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? { name: active.name, value: active.value } : undefined;
  return { answers, focused };
}

async function start(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) return;
  const token = tokenFromPath(window.location.pathname);
  const initial = bootData();
  await surveyStylesheet();
  const { answers, focused } = earlyAnswers();
  flushSync(() => createRoot(root).render(<RespondentApp token={token} initial={initial} early={answers} />));
  if (focused) {
    const q = document.querySelector(`.sd-root-modern [data-name="${CSS.escape(focused.name)}"]`);
    const target = q?.querySelector<HTMLElement>(`input[value="${CSS.escape(focused.value)}"]`) ?? q?.querySelector<HTMLElement>('input, textarea');
    target?.focus();
  }
}

void start();
