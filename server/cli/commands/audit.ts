// `dslkit audit [--trial <id>] [--limit n]`: prints the audit log, newest first, one tab-separated line per entry.
import type { CliCommand } from '../command';
import { numberOption, stringOption } from '../command';
import { readAudit } from '../../storage/audit-repo';

export const command: CliCommand = {
  name: 'audit',
  summary: 'print the audit log (who did which sensitive action, when)',
  usage: 'audit [--trial <id>] [--limit <n>]',
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'only this trial' },
    { name: 'limit', type: 'string', valueName: '<n>', description: 'at most n entries', default: '100' },
  ],
  usesDb: true,
  run(ctx) {
    const entries = readAudit(ctx.openDb(), { trialId: stringOption(ctx, 'trial'), limit: numberOption(ctx, 'limit', { integer: true, min: 1, max: 100000 }) ?? 100 });
    for (const e of entries) ctx.io.stdout(`${e.at}\t${e.actor}\t${e.action}\t${e.trial_id ?? ''}\t${JSON.stringify(e.detail)}\n`);
    return 0;
  },
};
