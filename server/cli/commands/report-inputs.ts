// `dslkit report-inputs`: enter what the reports need: programme costs, quotes chosen from evaluation forms, the TIDieR description, the evaluator's report sections and report settings (every change audited).
import fs from 'node:fs';
import path from 'node:path';
import { requiredString, stringOption, UsageError, type CliCommand, type CliContext } from '../command';
import { NotFoundError } from '../../../shared/errors';
import { COST_BASIS_NAMES, parseCost, parseSettings, parseTidierFile, type SettingsFields } from '../../domain/report-inputs/parse';
import { quoteChoices } from '../../domain/report-inputs/quote-choices';
import { parseSections, sectionKeyOf } from '../../domain/report-inputs/report-sections';
import { listReportSections, setReportSectionsAudited } from '../../storage/report-section-repo';
import { EVALUATOR_SECTIONS } from '../../../reports/view-models/evaluator-sections';
import { getTrial } from '../../storage/trial-repo';
import { listProgrammeCosts, loadForms, loadQuotes, loadReportSettings } from '../../storage/report-data-repo';
import { addCostAudited, removeCostAudited, saveSettingsAudited, setDescriptionAudited, setQuotesAudited, type Actor } from '../../storage/report-input-repo';
import { costBasisLabel, evaluationQuestions, TIDIER_DEFAULTS } from '../../../reports/view-models/ipe';
import { fmtPounds } from '../../../reports/view-models/format';
import type { Db } from '../../storage/db';
import type { ReportSettings } from '../../../reports/view-models/report-data';

/** "permutation test 10000 re-runs (seed 7), bootstrap off, CACE at least 3 formal sessions". */
function inferenceSummary(s: ReportSettings): string {
  const p = s.permutation, b = s.bootstrap, c = s.cace;
  return [
    p?.on ? `permutation test ${p.draws} re-runs (seed ${p.seed})` : 'permutation test off',
    b?.on ? `bootstrap ${b.draws} resamples (seed ${b.seed})` : 'bootstrap off',
    c?.on ? `CACE at least ${c.threshold} formal sessions and by dosage` : 'CACE off',
  ].join(', ');
}

function trialOf(ctx: CliContext): { db: Db; trialId: string } {
  const trialId = requiredString(ctx, 'trial');
  const db = ctx.openDb();
  if (!getTrial(db, trialId)) throw new NotFoundError(`There is no trial "${trialId}".`);
  return { db, trialId };
}

const by = (ctx: CliContext): Actor => ({ actor: ctx.actor, at: ctx.clock().toISOString() });

/** Terminal-safe one line: control characters (escape sequences, newlines) shown as spaces. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

function costAdd(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const cost = parseCost({
    item: requiredString(ctx, 'item'), amount: requiredString(ctx, 'amount-pounds'), basis: requiredString(ctx, 'basis'),
    sharedBy: stringOption(ctx, 'shared-by'), note: stringOption(ctx, 'note'),
  });
  const id = addCostAudited(db, trialId, cost, by(ctx));
  ctx.io.stdout(`Added cost ${id} to ${trialId}: ${cost.item}, ${fmtPounds(cost.amountPence)} ${costBasisLabel(cost.basis, cost.sharedBy ?? 1)}.\n`);
  return 0;
}

function costList(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const costs = listProgrammeCosts(db, trialId);
  if (costs.length === 0) { ctx.io.stdout(`No programme costs have been entered for ${trialId}.\n`); return 0; }
  for (const c of costs) ctx.io.stdout(`${c.id}\t${fmtPounds(c.amountPence)}\t${costBasisLabel(c.basis, c.sharedBy)}\t${oneLine(c.item)}${c.note ? `\t(${oneLine(c.note)})` : ''}\n`);
  return 0;
}

function costRemove(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const raw = requiredString(ctx, 'id');
  if (!/^\d{1,12}$/.test(raw)) throw new UsageError(`--id "${raw}" must be a cost id (see: dslkit report-inputs cost list)`);
  const removed = removeCostAudited(db, trialId, Number(raw), by(ctx));
  ctx.io.stdout(`Removed cost ${raw} (${oneLine(removed.item)}) from ${trialId}.\n`);
  return 0;
}

function quoteList(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const groups = quoteChoices(loadForms(db, trialId), evaluationQuestions(), loadQuotes(db, trialId));
  const answers = groups.reduce((n, g) => n + g.answers.length, 0);
  if (answers === 0) { ctx.io.stdout(`No evaluation-form text answers in ${trialId} yet.\n`); return 0; }
  for (const g of groups) {
    if (g.answers.length === 0) continue;
    ctx.io.stdout(`${oneLine(g.title)}\n`);
    for (const a of g.answers) ctx.io.stdout(`  [${a.selected ? 'x' : ' '}] --response ${a.responseId} --item ${a.item}  ${a.dslId}: ${oneLine(a.text)}\n`);
  }
  return 0;
}

function quoteSet(ctx: CliContext, select: boolean): number {
  const { db, trialId } = trialOf(ctx);
  const raw = requiredString(ctx, 'response');
  if (!/^\d{1,12}$/.test(raw)) throw new UsageError(`--response "${raw}" must be a response id (see: dslkit report-inputs quote list)`);
  const ref = { responseId: Number(raw), item: requiredString(ctx, 'item') };
  const r = setQuotesAudited(db, trialId, [ref], select ? [ref] : [], by(ctx));
  const changed = select ? r.added.length : r.removed.length;
  ctx.io.stdout(`${select ? 'Selected' : 'Deselected'} the answer to ${ref.item} in response ${ref.responseId} ${changed ? '' : '(it already was) '}as a quote in the IPE report of ${trialId}.\n`);
  return 0;
}

function descriptionSet(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const file = path.resolve(requiredString(ctx, 'file'));
  if (!/\.(json|md|markdown)$/i.test(file)) throw new UsageError('--file must be a .json or .md file');
  const labels = Object.fromEntries(TIDIER_DEFAULTS.map((d) => [d.field, d.label]));
  const fields = parseTidierFile(fs.readFileSync(file, 'utf8'), path.basename(file), labels);
  const changed = setDescriptionAudited(db, trialId, fields, by(ctx));
  ctx.io.stdout(changed.length ? `Updated the intervention description of ${trialId}: ${changed.join(', ')}.\n` : `The description of ${trialId} already had this text; nothing changed.\n`);
  return 0;
}

const SECTION_NAMES = EVALUATOR_SECTIONS.map((s) => s.key.replace(/_/g, '-'));

function sectionOf(ctx: CliContext): string {
  const name = requiredString(ctx, 'section');
  if (!sectionKeyOf(name)) throw new UsageError(`--section "${name}" is not a report section (one of ${SECTION_NAMES.join(', ')})`);
  return name;
}

function sectionList(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const stored = new Map(listReportSections(db, trialId).map((s) => [s.section as string, s]));
  for (const s of EVALUATOR_SECTIONS) {
    const row = stored.get(s.key);
    ctx.io.stdout(`${s.key.replace(/_/g, '-')}\t${row ? `${row.body.length} characters, saved ${row.updatedAt.slice(0, 10)}` : 'not yet written'}\t${s.title}\n`);
  }
  return 0;
}

function sectionSet(ctx: CliContext, clear: boolean): number {
  const { db, trialId } = trialOf(ctx);
  const name = sectionOf(ctx);
  let text = '';
  if (!clear) {
    const file = path.resolve(requiredString(ctx, 'file'));
    if (!/\.(md|markdown|txt)$/i.test(file)) throw new UsageError('--file must be a Markdown (.md) or text (.txt) file');
    text = fs.readFileSync(file, 'utf8');
    if (!text.trim()) throw new UsageError(`${path.basename(file)} is empty; to empty the section use: report-inputs section clear --trial ${trialId} --section ${name}`);
  }
  const changed = setReportSectionsAudited(db, trialId, parseSections({ [name]: text }), by(ctx));
  const title = EVALUATOR_SECTIONS.find((s) => s.key === sectionKeyOf(name))!.title;
  ctx.io.stdout(changed.length ? `${clear ? 'Cleared' : 'Saved'} the ${title.toLowerCase()} of ${trialId}.\n` : `The ${title.toLowerCase()} of ${trialId} already ${clear ? 'was empty' : 'had this text'}; nothing changed.\n`);
  return 0;
}

const SETTINGS_OPTIONS: Array<[string, keyof SettingsFields]> = [
  ['primary-outcome', 'primaryOutcome'], ['effect-size', 'effectSize'], ['se-type', 'seType'], ['missing-months', 'missingMonths'], ['robustness-window', 'robustnessWindow'], ['icc', 'icc'], ['r2-cluster', 'r2Cluster'],
  ['r2-individual', 'r2Individual'], ['cluster-size', 'clusterSize'], ['alpha', 'alpha'], ['power', 'power'],
  ['permutation', 'permutation'], ['permutation-draws', 'permutationDraws'], ['permutation-seed', 'permutationSeed'],
  ['bootstrap', 'bootstrap'], ['bootstrap-draws', 'bootstrapDraws'], ['bootstrap-seed', 'bootstrapSeed'], ['cace', 'cace'], ['cace-threshold', 'caceThreshold'],
];

function settingsSet(ctx: CliContext): number {
  const { db, trialId } = trialOf(ctx);
  const fields: SettingsFields = {};
  for (const [opt, key] of SETTINGS_OPTIONS) { const v = stringOption(ctx, opt); if (v !== undefined) fields[key] = v; }
  if (Object.keys(fields).length === 0) throw new UsageError(`say what to set: ${SETTINGS_OPTIONS.map(([o]) => `--${o}`).join(', ')}`);
  const settings = parseSettings(fields, loadReportSettings(db, trialId));
  saveSettingsAudited(db, trialId, settings, by(ctx));
  const mdes = Object.entries(settings.protocolMdes).map(([k, v]) => `${k} ${v}`).join(', ');
  ctx.io.stdout(`Report settings of ${trialId}: primary outcome ${settings.primaryOutcome ?? '(default)'}, effect size ${settings.effectSize}, standard errors ${settings.seType}, missing LA outcome months ${settings.adminMissingMonths === 'prorate' ? 'pro-rated' : 'leave the school out'}, robustness months ${settings.robustnessWindow ? settings.robustnessWindow.join(' to ') : '(the latter half of the outcome window)'}; protocol MDES assumptions: ${mdes || '(defaults)'}; ${inferenceSummary(settings)}.\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'report-inputs',
  summary: 'enter report inputs: programme costs, evaluation-form quotes, TIDieR description, report sections, report settings',
  usage: `report-inputs cost add --trial <id> --item <text> --amount-pounds <1500> --basis per-setting-per-year|per-dsl|total [--shared-by <n>] [--note <text>]
       report-inputs cost list --trial <id>
       report-inputs cost remove --trial <id> --id <cost id>
       report-inputs quote list --trial <id>
       report-inputs quote select|deselect --trial <id> --response <id> --item <item>
       report-inputs description set --trial <id> --file <tidier.json|tidier.md>
       report-inputs section list --trial <id>
       report-inputs section set --trial <id> --section <${SECTION_NAMES.join('|')}> --file <text.md>
       report-inputs section clear --trial <id> --section <name>
       report-inputs settings set --trial <id> [--primary-outcome admin:contacts_nfa|pss10:total] [--effect-size glass|hedges] [--se-type auto|cr1|cr2] [--missing-months complete|prorate]
                                  [--robustness-window <YYYY-MM to YYYY-MM>, '' for the latter half of the outcome window]
                                  [--icc <x>] [--r2-cluster <x>] [--r2-individual <x>] [--cluster-size <n>] [--alpha <x>] [--power <x>]
                                  [--permutation on|off] [--permutation-draws <n>] [--permutation-seed <n>] [--bootstrap on|off] [--bootstrap-draws <n>] [--bootstrap-seed <n>]
                                  [--cace on|off] [--cace-threshold <k>]`,
  description: `
Costs feed the IPE report's cost per setting and per DSL (settings and DSLs engaged in the intervention arm).
A per-setting cost is charged to every engaged setting; with --shared-by n one package at that price serves n
settings (so 47 settings sharing packages by 2 buy 24 packages). Quotes are chosen from the free-text answers of
DSL evaluation forms ("quote list" shows them with the ids to use); the report prints them escaped. The
description file is JSON ({"why": "...", "modifications": "..."}) or Markdown with a "## <field>" heading per
TIDieR field (name, why, what_materials, what_procedures, who_provided, how, where, when_how_much, tailoring,
modifications, how_well_planned, how_well_actual, or their labels such as "## 10. Modifications"); an empty
section restores the default text. Report sections (executive summary, key conclusions, introduction, logic
model, interpretation, limitations) are Markdown files, one per section; the reports print them escaped (links
only to https, http and mailto) and say where a section is still empty. Key conclusions: one numbered item
each. Settings not given keep their value; "" restores a default.
--permutation on adds the permutation p (re-runs of the trial's own allocation, --permutation-draws of them, 100
to 100,000, default 10,000; re-run b seeded set.seed(seed + b); exact with 20 units or fewer) beside the CR1/CR2 p;
--bootstrap on adds cluster-bootstrap percentile and BCa CIs (--bootstrap-draws 100 to 20,000, default 2,000);
--cace on adds the CACE beside the dose-response, for receipt of at least --cace-threshold formal sessions and
for the dosage as a continuous receipt. Each needs its seed (or threshold) when switched on.`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'the trial' },
    { name: 'item', type: 'string', valueName: '<text>', description: 'cost add: what the cost is for; quote: the form item (e.g. dsl_evaluation_experience)' },
    { name: 'amount-pounds', type: 'string', valueName: '<pounds>', description: 'cost add: the amount, e.g. 1500 or 1,500.00' },
    { name: 'basis', type: 'string', valueName: `<${COST_BASIS_NAMES.join('|')}>`, description: 'cost add: how the cost is charged' },
    { name: 'shared-by', type: 'string', valueName: '<n>', description: 'cost add: settings sharing one package (per-setting costs only)', default: '1' },
    { name: 'note', type: 'string', valueName: '<text>', description: 'cost add: a note shown beside the cost' },
    { name: 'id', type: 'string', valueName: '<cost id>', description: 'cost remove: the cost (see cost list)' },
    { name: 'response', type: 'string', valueName: '<id>', description: 'quote select|deselect: the form response (see quote list)' },
    { name: 'file', type: 'string', valueName: '<file>', description: 'description set: a .json or .md TIDieR description; section set: the section\'s Markdown' },
    { name: 'section', type: 'string', valueName: '<name>', description: `section set|clear: ${SECTION_NAMES.join(', ')}` },
    ...SETTINGS_OPTIONS.map(([name]) => ({ name, type: 'string' as const, valueName: '<value>', description: `settings set: ${name.replace(/-/g, ' ')}` })),
  ],
  usesDb: true,
  run(ctx) {
    const [what, action] = ctx.positionals;
    const key = `${what ?? ''} ${action ?? ''}`;
    switch (key) {
      case 'cost add': return costAdd(ctx);
      case 'cost list': return costList(ctx);
      case 'cost remove': return costRemove(ctx);
      case 'quote list': return quoteList(ctx);
      case 'quote select': return quoteSet(ctx, true);
      case 'quote deselect': return quoteSet(ctx, false);
      case 'description set': return descriptionSet(ctx);
      case 'section list': return sectionList(ctx);
      case 'section set': return sectionSet(ctx, false);
      case 'section clear': return sectionSet(ctx, true);
      case 'settings set': return settingsSet(ctx);
      default: throw new UsageError(what ? `unknown action "${ctx.positionals.join(' ')}"` : 'say what to do: cost add|list|remove, quote list|select|deselect, description set, section list|set|clear or settings set');
    }
  },
};
