// Formats a programme's year-end report (money, hours, CIs, "c" for hidden changes) and renders it as a page or a single self-contained HTML file.
import { renderPage, tableModel, type LayoutModel } from '../render';
import { govukCss, dslkitCss } from '../assets';
import { pounds, type YearEndReport } from '../../domain/programme/year-end';
import { SUPPRESSED_MARK } from '../../domain/disclosure';

const n1 = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 1 });
const d2 = (x: number) => x.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function reportViewModel(r: YearEndReport): Record<string, unknown> {
  const t = r.totals;
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : '–');
  return {
    r,
    summary: [
      { key: 'Packages bought', value: `${r.packages.length} (${pounds(t.pricePence)} in total)` },
      { key: 'Settings', value: String(t.settings) },
      { key: 'DSLs', value: String(t.dsls) },
      { key: 'Sessions delivered', value: `${t.sessionsDelivered} of ${t.sessionsBought} bought (${pct(t.sessionsDelivered, t.sessionsBought)})` },
      { key: 'Hours delivered', value: `${n1(t.hoursDelivered)} of ${n1(t.hoursBought)} bought` },
      { key: 'Ad-hoc advice (not part of the sessions bought)', value: `${t.adhocContacts} contact${t.adhocContacts === 1 ? '' : 's'}, ${n1(t.adhocHours)} hours` },
      ...(t.unattributed ? [{ key: 'Sessions not counted', value: `${t.unattributed} logged without a package by settings that share several packages: in no package's count` }] : []),
      { key: 'Cost per setting', value: t.costPerSettingPence === null ? '–' : pounds(t.costPerSettingPence) },
      { key: 'Cost per DSL', value: t.costPerDslPence === null ? '–' : pounds(t.costPerDslPence) },
    ],
    packagesTable: tableModel('Packages: sessions bought and delivered', ['Package', { text: 'Settings sharing', numeric: true }, { text: 'Price', numeric: true },
      { text: 'Sessions bought', numeric: true }, { text: 'Sessions delivered', numeric: true }, { text: 'Hours bought', numeric: true }, { text: 'Hours delivered', numeric: true }, { text: 'Ad-hoc advice (contacts, hours)', numeric: true }],
    r.packages.map((p) => [{ text: p.name, header: true }, p.settings, { text: pounds(p.pricePence), numeric: true }, p.sessionsBought, p.sessionsDelivered, n1(p.hoursBought), n1(p.hoursDelivered), `${p.adhocContacts}, ${n1(p.adhocHours)} h`].map((c) => (typeof c === 'string' ? { text: c, numeric: true } : c))),
    'No packages have been added yet.'),
    settingsTable: tableModel('Settings: cost and sessions (a shared package\'s price is split equally between its settings)', ['Setting', { text: 'Packages', numeric: true },
      { text: 'Cost', numeric: true }, { text: 'DSLs', numeric: true }, { text: 'Cost per DSL', numeric: true }, { text: 'Sessions attended', numeric: true }, { text: 'Ad-hoc advice', numeric: true }],
    r.settings.map((s) => [{ text: s.name, header: true }, s.packages, { text: pounds(s.costPence), numeric: true }, s.dsls, { text: s.costPerDslPence === null ? '–' : pounds(s.costPerDslPence), numeric: true }, s.sessionsAttended, s.adhocContacts]),
    'No settings yet.'),
    changeTable: tableModel('Wellbeing and confidence: mean change from the start to the end of the year (DSLs who answered both)', ['Measure', { text: 'DSLs answering both', numeric: true },
      { text: 'Start mean', numeric: true }, { text: 'End mean', numeric: true }, { text: 'Mean change', numeric: true }, { text: '95% confidence interval', numeric: true }],
    r.change.map((c) => {
      const v = c.change.hidden ? null : c.change.value;
      return [{ text: `${c.label} (${c.hint})`, header: true }, { text: String(c.pairs), numeric: true }, { text: v ? d2(v.start) : SUPPRESSED_MARK, numeric: true }, { text: v ? d2(v.end) : SUPPRESSED_MARK, numeric: true },
        { text: v ? `${v.diff.mean >= 0 ? '+' : ''}${d2(v.diff.mean)}` : SUPPRESSED_MARK, numeric: true }, { text: v ? `${d2(v.diff.lower)} to ${d2(v.diff.upper)}` : SUPPRESSED_MARK, numeric: true }];
    }), 'No DSL has answered a wellbeing survey at both the start and the end of the year yet.'),
    feedbackSummary: [
      { key: 'Feedback forms', value: `${r.feedback.forms} from ${r.feedback.dsls} DSL${r.feedback.dsls === 1 ? '' : 's'}` },
      { key: 'Hours in supervision (self-reported)', value: r.feedback.hours.hidden
        ? (r.feedback.hours.reason === 'no-data' ? 'No answers yet' : `${SUPPRESSED_MARK} (fewer than ${r.minPairs} DSLs answered)`)
        : `mean ${n1(r.feedback.hours.value.mean)}, median ${n1(r.feedback.hours.value.median)} (${r.feedback.hours.value.respondents} DSLs)` },
    ],
    feedbackTable: tableModel('DSL feedback: how many forms answered each question (the answers themselves stay with the evaluators)', ['Question', { text: 'Forms answering', numeric: true }],
      r.feedback.forms ? r.feedback.questions.map((q) => [{ text: q.title, header: true }, q.respondents]) : [], 'No DSL has sent the feedback form yet.'),
  };
}

export function programmeReportPage(r: YearEndReport, layout: Partial<LayoutModel> = {}): string {
  return renderPage('programme/report', { title: `${r.title}: year-end report`, scripts: false, ...layout, ...reportViewModel(r) });
}

/** One self-contained HTML file (styles inlined, no JavaScript), for `dslkit programme report --out file.html`. */
export function programmeReportFile(r: YearEndReport): string {
  const html = programmeReportPage(r, { assetBase: '.', homeHref: '#main-content', phase: 'BETA' });
  return html
    .replace(/<link rel="stylesheet" href="\.\/govuk-frontend\.min\.css">/, () => `<style>${govukCss()}</style>`)
    .replace(/<link rel="stylesheet" href="\.\/dslkit\.css">/, () => `<style>${dslkitCss()}</style>`)
    .replace(/<link rel="icon"[^>]*>/, '');
}
