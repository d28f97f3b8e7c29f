// `dslkit programme`: set up a programme outside a trial (create, package add) and write its year-end report as one HTML file.
import fs from 'node:fs';
import path from 'node:path';
import { listOption, numberOption, requiredString, stringOption, UsageError, type CliCommand, type CliContext } from '../command';
import { addPackage, createProgramme, loadProgrammeFacts } from '../../storage/programme-repo';
import { parsePounds, pounds, yearEndReport } from '../../domain/programme/year-end';
import { programmeReportFile } from '../../views/programme/render-report';
import { writePrivateFile } from '../../storage/private-files';


function create(ctx: CliContext): number {
  const p = createProgramme(ctx.openDb(), {
    id: requiredString(ctx, 'id'), title: requiredString(ctx, 'title'), laCode: requiredString(ctx, 'la'), academicYear: requiredString(ctx, 'year'),
    at: ctx.clock().toISOString(), actor: ctx.actor,
  });
  ctx.io.stdout(`Created programme ${p.id} (${p.laName}, ${p.academicYear}). Add packages with: dslkit programme package add --programme ${p.id} ...\n`);
  return 0;
}

function packageAdd(ctx: CliContext): number {
  const price = parsePounds(stringOption(ctx, 'price') ?? '1500');
  if (Number.isNaN(price)) throw new UsageError(`--price "${stringOption(ctx, 'price')}" must be an amount in pounds, like 1500 or 1500.00`);
  const urns = listOption(ctx, 'urn').map((u) => {
    if (!/^\d{1,9}$/.test(u)) throw new UsageError(`--urn "${u}" must be a school URN (digits only)`);
    return Number(u);
  });
  const programmeId = requiredString(ctx, 'programme');
  const id = addPackage(ctx.openDb(), programmeId, {
    name: stringOption(ctx, 'name') ?? `Package ${urns.join('+')}`, pricePence: price,
    sessionsIncluded: numberOption(ctx, 'sessions', { integer: true, min: 1, max: 100 }) ?? 10,
    sessionMinutes: numberOption(ctx, 'minutes', { integer: true, min: 1, max: 1440 }) ?? 120,
    maxSettings: numberOption(ctx, 'max-settings', { integer: true, min: 1, max: 20 }) ?? 4,
    urns, at: ctx.clock().toISOString(), actor: ctx.actor,
  });
  ctx.io.stdout(`Added package ${id} to ${programmeId}: ${pounds(price)} shared by ${urns.length} setting${urns.length === 1 ? '' : 's'}.\n`);
  return 0;
}

function report(ctx: CliContext): number {
  const out = path.resolve(requiredString(ctx, 'out'));
  const r = yearEndReport(loadProgrammeFacts(ctx.openDb(), requiredString(ctx, 'programme')));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writePrivateFile(out, programmeReportFile(r));
  ctx.io.stdout(`Wrote the year-end report of ${r.title} to ${out}: ${r.totals.sessionsDelivered} of ${r.totals.sessionsBought} sessions delivered.\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'programme',
  summary: 'set up a programme outside a trial (no randomisation) and write its year-end report',
  usage: `programme create --id <id> --title <text> --la <code> --year <2024/25>
       programme package add --programme <id> --urn <urn> [--urn <urn> ...] [--name <text>] [--price 1500] [--sessions 10] [--minutes 120] [--max-settings 4]
       programme report --programme <id> --out <file.html>`,
  description: `
A programme is what an LA sells to schools outside a trial (seed 004, Essex: £1,500 a year buys 10 two-hour
sessions for a setting, and up to four settings may share one package and its price). Sessions are logged by
supervisors as in a trial; DSL surveys use the trial's waves (baseline = start of year, endline = end of year).
The report shows sessions delivered against those bought, cost per setting and per DSL, and paired wellbeing
change, with the caveat that without a control group change is not impact.`,
  options: [
    { name: 'id', type: 'string', valueName: '<id>', description: 'create: programme id (lower-case letters, digits, hyphens)' },
    { name: 'title', type: 'string', valueName: '<text>', description: 'create: title' },
    { name: 'la', type: 'string', valueName: '<code>', description: 'create: the LA running it' },
    { name: 'year', type: 'string', valueName: '<yyyy/yy>', description: 'create: academic year, e.g. 2024/25' },
    { name: 'programme', type: 'string', valueName: '<id>', description: 'package add, report: the programme' },
    { name: 'urn', type: 'string', multiple: true, valueName: '<urn>', description: 'package add: a setting sharing the package' },
    { name: 'name', type: 'string', valueName: '<text>', description: 'package add: package name' },
    { name: 'price', type: 'string', valueName: '<pounds>', description: 'package add: price per year in pounds', default: '1500' },
    { name: 'sessions', type: 'string', valueName: '<n>', description: 'package add: sessions included', default: '10' },
    { name: 'minutes', type: 'string', valueName: '<n>', description: 'package add: minutes per session', default: '120' },
    { name: 'max-settings', type: 'string', valueName: '<n>', description: 'package add: most settings that may share it', default: '4' },
    { name: 'out', type: 'string', valueName: '<file>', description: 'report: the HTML file to write' },
  ],
  usesDb: true,
  run(ctx) {
    const [sub, sub2] = ctx.positionals;
    if (sub === 'create') return create(ctx);
    if (sub === 'package' && sub2 === 'add') return packageAdd(ctx);
    if (sub === 'report') return report(ctx);
    throw new UsageError(sub ? `unknown programme action "${ctx.positionals.join(' ')}"` : 'say what to do: create, package add or report');
  },
};
