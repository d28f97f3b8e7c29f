// `dslkit answer-key`: shows or sets a trial's answer key for an instrument scored against a key (CSA identification).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, requiredString, stringOption, type CliCommand } from '../command';
import { NotFoundError, ValidationError } from '../../../shared/errors';
import { getRegistry, type InstrumentDef } from '../../../instruments/registry';
import { bundledKey, keyableItems, keyProblemLines, parseAnswerKey } from '../../../instruments/answer-key';
import { getAnswerKey, setAnswerKey } from '../../storage/answer-key-repo';

export const command: CliCommand = {
  name: 'answer-key',
  summary: 'show or set a trial\'s answer key for an instrument (e.g. CSA vignettes)',
  usage: 'answer-key --trial <id> --instrument <id> [--set <key.json>]',
  description: `
Without --set, prints the key that applies to the trial as JSON: the bundled (illustrative) key with the
trial's stored entries applied, and where each came from. With --set, checks a JSON file of
item id -> accepted answer, list of accepted answers, or null (do not score this item), and stores it for
the trial (replacing any earlier one; its entries replace the bundled entries they name). Every item must
be one the instrument scores against a key and every answer one of the item's values; otherwise each
problem is printed with its line and nothing is stored. The change is written to the audit log.
Example: dslkit answer-key --trial bolton2 --instrument csa-identification --set experts-key.json`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'instrument', type: 'string', valueName: '<id>', description: 'instrument id or id@version (e.g. csa-identification)' },
    { name: 'set', type: 'string', valueName: '<key.json>', description: 'validate and store this key' },
  ],
  usesDb: true,
  run(ctx) {
    const trialId = requiredString(ctx, 'trial');
    const def = instrumentWithKey(requiredString(ctx, 'instrument'));
    const db = ctx.openDb();
    if (!db.prepare('SELECT id FROM trials WHERE id = ?').get(trialId)) throw new NotFoundError(`dslkit answer-key: no trial "${trialId}" in ${ctx.dbPath}`);

    const file = stringOption(ctx, 'set');
    if (file) {
      const { key, problems } = parseAnswerKey(def, fs.readFileSync(file, 'utf8'));
      if (problems.length) throw new ValidationError(keyProblemLines(path.basename(file), problems), problems);
      setAnswerKey(db, { trialId, instrument: def.key, key, at: ctx.clock().toISOString(), actor: ctx.actor });
      ctx.io.stderr(`stored the answer key for ${def.key} in trial ${trialId} (${Object.keys(key).length} item${Object.keys(key).length === 1 ? '' : 's'})\n`);
      ctx.io.stderr(`scores already stored are unchanged: run dslkit rescore --trial ${trialId} to apply it to stored responses (add --dry-run to see what would change first)\n`);
    }
    const stored = getAnswerKey(db, trialId, def.key);
    const { key, status } = bundledKey(def, stored?.key);
    ctx.io.stdout(JSON.stringify({
      trial: trialId,
      instrument: def.key,
      source: stored ? 'trial key applied over the bundled key' : 'bundled key (illustrative until the trial\'s safeguarding experts review it)',
      bundledKeyStatus: status,
      ...(stored ? { updatedAt: stored.updatedAt, updatedBy: stored.updatedBy, trialEntries: Object.keys(stored.key).sort() } : {}),
      key,
    }, null, 2) + '\n');
    return 0;
  },
};

function instrumentWithKey(id: string): InstrumentDef {
  const registry = getRegistry({ placeholderText: true });
  let def: InstrumentDef;
  try { def = registry.get(id); } catch { throw new UsageError(`unknown instrument "${id}"`); }
  if (keyableItems(def).length === 0) {
    const withKeys = registry.list().filter((d) => keyableItems(d).length > 0).map((d) => d.id);
    throw new UsageError(`${def.key} has no answer key; instruments with one: ${withKeys.join(', ')}`);
  }
  return def;
}
