// `dslkit erase --trial <id> --dsl <id> [--withdraw-only]`: a DSL's withdrawal-and-erasure request as one audited action.
import type { CliCommand } from '../command';
import { flag, requiredString } from '../command';
import { erasureEffects } from '../../domain/erasure/request';
import { withdrawOrErase } from '../../storage/erasure-repo';

export const command: CliCommand = {
  name: 'erase',
  summary: "withdraw a DSL (keep pseudonymous answers) or withdraw and erase their personal data and answers",
  usage: 'erase --trial <id> --dsl <dsl-id> [--withdraw-only]',
  description: `Erase: ${erasureEffects.erase.join(' ')}\nWithdraw only: ${erasureEffects.withdraw.join(' ')}`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'dsl', type: 'string', valueName: '<dsl-id>', description: 'pseudonymous DSL id' },
    { name: 'withdraw-only', type: 'boolean', description: 'stop invitations but keep answers already given' },
  ],
  usesDb: true,
  run(ctx) {
    const db = ctx.openDb();
    const mode = flag(ctx, 'withdraw-only') ? 'withdraw' : 'erase';
    const r = withdrawOrErase(db, requiredString(ctx, 'trial'), requiredString(ctx, 'dsl'), mode, { actor: ctx.actor, at: ctx.clock().toISOString() });
    const d = r.deleted;
    ctx.io.stdout(mode === 'erase'
      ? `erased ${r.dslId}: deleted ${d.contacts} contact, ${d.responses} responses, ${d.snapshots} snapshots, ${d.scores} scores, ${d.attendances} attendances, ${d.invitations} invitations\n`
        + (r.purged ? 'overwritten with zeros in the database file, and the WAL emptied: nothing of it is left on disk or in later backups\n'
          : 'deleted, but another connection kept the WAL busy, so older copies remain in the WAL file until its next full checkpoint (when the server stops at the latest); take no backup before then\n')
      : `${r.dslId} withdrawn: ${r.linksClosed} invitation links now answer "closed", no new invitations, answers kept\n`);
    return 0;
  },
};
