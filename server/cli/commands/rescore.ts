// `dslkit rescore --trial <id>`: recomputes stored survey scores from raw answers with the installed rules and the trial's answer keys (after a key or rules change).
import { UsageError, flag, requiredString, stringOption, type CliCommand } from '../command';
import { describePlan } from '../../domain/surveys/rescore';
import { rescoreTrial } from '../../storage/rescore-repo';
import { getRegistry } from '../../../instruments/registry';

const WAVES = ['baseline', 'midpoint', 'endline'];

export const command: CliCommand = {
  name: 'rescore',
  summary: 'recompute stored survey scores from the raw answers (after changing an answer key or scoring rules)',
  usage: 'rescore --trial <id> [--wave <name>] [--instrument <id>] [--dry-run]',
  description: `
Recomputes the scores of every complete survey response in the trial from its newest submitted (or
imported) raw answers, with the scoring rules installed now and the trial's answer keys (dslkit answer-key).
Raw answers are only read, never changed. Scores that differ from the stored ones are replaced in one
transaction; unchanged scores keep their computation time. Prints how many responses and score values
changed and, per scale, the old -> new mean and the value changes; writes an audit entry with counts only.
--dry-run prints the same report and changes nothing. Supervision records are not survey scores and are
not touched.
Example: dslkit rescore --trial bolton2 --instrument csa-identification --dry-run`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'wave', type: 'string', valueName: '<name>', description: 'only this wave: baseline, midpoint or endline' },
    { name: 'instrument', type: 'string', valueName: '<id>', description: 'only this instrument (id or id@version, e.g. csa-identification)' },
    { name: 'dry-run', type: 'boolean', description: 'report what would change; write nothing' },
  ],
  usesDb: true,
  run(ctx) {
    const trialId = requiredString(ctx, 'trial');
    const wave = stringOption(ctx, 'wave');
    if (wave !== undefined && !WAVES.includes(wave)) throw new UsageError(`--wave "${wave}" must be one of ${WAVES.join(', ')}`);
    const instrumentId = instrumentOption(stringOption(ctx, 'instrument'));
    const dryRun = flag(ctx, 'dry-run');
    const result = rescoreTrial(ctx.openDb(), { trialId, wave, instrumentId, dryRun, at: ctx.clock().toISOString(), actor: ctx.actor });

    const scope = `${wave ? `${wave} wave` : 'all waves'}, ${instrumentId ?? 'all instruments'}`;
    const verb = dryRun ? 'would change' : 'changed';
    const lines = [
      `rescore of trial ${trialId} (${scope})${dryRun ? ': dry run, nothing written' : ''}`,
      `${result.responsesConsidered} complete response${result.responsesConsidered === 1 ? '' : 's'} checked; ${result.responsesChanged} response${result.responsesChanged === 1 ? '' : 's'} and ${result.valuesChanged} score value${result.valuesChanged === 1 ? '' : 's'} ${verb}`,
      ...(result.responsesWithoutAnswers ? [`${result.responsesWithoutAnswers} complete response${result.responsesWithoutAnswers === 1 ? ' has' : 's have'} no submitted answers and ${result.responsesWithoutAnswers === 1 ? 'was' : 'were'} left as ${result.responsesWithoutAnswers === 1 ? 'it was' : 'they were'}`] : []),
      ...describePlan(result).map((l) => `  ${l}`),
      dryRun
        ? (result.valuesChanged ? 'run again without --dry-run to apply' : 'nothing to apply')
        : `stored in one transaction; audit entry written`,
    ];
    ctx.io.stdout(lines.join('\n') + '\n');
    return 0;
  },
};

/** 'csa-identification' or 'csa-identification@1' -> 'csa-identification', refusing an instrument that is not installed. */
function instrumentOption(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const id = raw.split('@')[0];
  const known = getRegistry().list().map((d) => d.id);
  if (!known.includes(id)) throw new UsageError(`unknown instrument "${raw}"; installed: ${known.join(', ')}`);
  return id;
}
