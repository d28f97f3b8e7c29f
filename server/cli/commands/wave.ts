// `dslkit wave create|list`: survey waves of a trial and the instruments (id@version) each asks.
import { UsageError, flag, numberOption, requiredString, stringOption, type CliCommand, type CliContext } from '../command';
import { audienceText, parseArms } from '../../domain/waves/audience';
import { getRegistry } from '../../../instruments/registry';
import { createWave, listWaves, waveState } from '../../storage/wave-repo';
import { requireTrial } from '../../storage/trial-repo';
import { ValidationError } from '../../../shared/errors';

/** Resolves "pss10,cbi@1" to the registry's 'id@version' keys; unknown ids are one ValidationError. */
export function resolveInstruments(list: string): string[] {
  const registry = getRegistry();
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown: string[] = [];
  const keys = ids.map((id) => { try { return registry.get(id).key; } catch { unknown.push(id); return ''; } });
  if (unknown.length) {
    throw new ValidationError(`unknown instrument${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${registry.list().map((d) => d.id).filter((v, i, a) => a.indexOf(v) === i).join(', ')})`);
  }
  return keys;
}

function create(ctx: CliContext): number {
  const { arms, problem } = parseArms(stringOption(ctx, 'arm'));
  if (problem) throw new UsageError(`--arm: ${problem}`);
  const w = createWave(ctx.openDb(), {
    trialId: requiredString(ctx, 'trial'), name: requiredString(ctx, 'name'), opensAt: requiredString(ctx, 'opens'),
    closesAt: requiredString(ctx, 'closes'), instruments: resolveInstruments(requiredString(ctx, 'instruments')),
    arms, minSessions: numberOption(ctx, 'min-sessions', { integer: true, min: 1, max: 50 }) ?? null,
  });
  ctx.io.stdout(`created the ${w.name} wave of ${w.trialId}: ${w.opensAt} to ${w.closesAt}; instruments ${w.instruments.join(', ')}; for ${audienceText(w)}\n`);
  return 0;
}

function list(ctx: CliContext): number {
  const db = ctx.openDb();
  const trial = requireTrial(db, requiredString(ctx, 'trial'));
  const waves = listWaves(db, trial.id);
  if (flag(ctx, 'json')) { ctx.io.stdout(`${JSON.stringify(waves, null, 2)}\n`); return 0; }
  if (!waves.length) ctx.io.stdout(`trial "${trial.id}" has no waves yet\n`);
  for (const w of waves) ctx.io.stdout(`${w.name.padEnd(9)} ${waveState(w, ctx.clock()).padEnd(8)} ${w.opensAt} to ${w.closesAt}  ${w.instruments.join(', ')}  (${audienceText(w)})\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'wave',
  summary: 'create or list the survey waves of a trial',
  usage: 'wave create --trial <id> --name baseline|midpoint|endline --opens <ISO date> --closes <ISO date> --instruments pss10,cbi,... [--arm intervention|control] [--min-sessions <n>]\n       dslkit wave list --trial <id> [--json]',
  description: `
Dates are YYYY-MM-DD (midnight UTC) or full ISO date-times. Instruments are instrument ids (the newest
version is used) or id@version; each wave stores them as id@version, in page order. --arm and --min-sessions
limit who dslkit invitations invites: the DSLs of that arm, who have attended at least n formal supervision
sessions (Bolton sent its evaluation form to the intervention DSLs with three: --arm intervention --min-sessions 3).
DSLs who reach the dosage later are invited when dslkit invitations runs again. The DSL time log, preparation sheet
and record of supervision belong to sessions, not waves (dslkit invitations --sessions).`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'the trial' },
    { name: 'name', type: 'string', valueName: '<name>', description: 'baseline, midpoint or endline' },
    { name: 'opens', type: 'string', valueName: '<date>', description: 'when invitations start to work' },
    { name: 'closes', type: 'string', valueName: '<date>', description: 'when the wave closes (after --opens)' },
    { name: 'instruments', type: 'string', valueName: '<ids>', description: 'comma-separated instrument ids, in page order' },
    { name: 'arm', type: 'string', valueName: '<arm>', description: 'invite only this arm\'s DSLs: intervention or control (create)' },
    { name: 'min-sessions', type: 'string', valueName: '<n>', description: 'invite only DSLs who attended at least n formal sessions (create)' },
    { name: 'json', type: 'boolean', description: 'print JSON (list)' },
  ],
  usesDb: true,
  run(ctx) {
    const [sub, ...rest] = ctx.positionals;
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (sub === 'create') return create(ctx);
    if (sub === 'list') return list(ctx);
    throw new UsageError(sub ? `unknown wave command "${sub}" (use create or list)` : 'say create or list');
  },
};
