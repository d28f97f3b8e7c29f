// `dslkit send invitations|reminders --trial <id> --wave <name> [--dry-run]`: queues messages in the outbox for the server's sender, saying first how many.
import { UsageError, flag, requiredString, type CliCommand, type CliContext } from '../command';
import { ValidationError } from '../../../shared/errors';
import { loadConfig } from '../../config';
import { requireTrial } from '../../storage/trial-repo';
import { getWave } from '../../storage/wave-repo';
import { loadOrCreateSecret, secretFileFor } from '../../storage/secret-file';
import { previewInvitations, previewReminders, queueInvitations, queueReminders, sendableWave } from '../../storage/outbox-decisions';
import { getFieldworkSettings } from '../../storage/outbox-repo';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function run(ctx: CliContext): number {
  const [what, ...rest] = ctx.positionals;
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (what !== 'invitations' && what !== 'reminders') throw new UsageError(what ? `unknown message kind "${what}" (use invitations or reminders)` : 'say invitations or reminders');
  const dryRun = flag(ctx, 'dry-run');
  const mail = loadConfig(process.env).mail;
  if (mail.kind === 'none' && !dryRun) {
    throw new ValidationError('no mail sender is configured (set DSLKIT_SMTP_URL or DSLKIT_NOTIFY_KEY for the server and this command); nothing was queued. Without one, print the links for a mail merge with dslkit invitations');
  }
  const db = ctx.openDb();
  const trial = requireTrial(db, requiredString(ctx, 'trial'));
  const waveName = requiredString(ctx, 'wave');
  const named = getWave(db, trial.id, waveName);
  if (!named) throw new ValidationError(`trial "${trial.id}" has no ${waveName} wave`);
  const now = ctx.clock();
  const wave = sendableWave(db, trial.id, named.id, now);
  const by = { actor: ctx.actor, at: now.toISOString() };
  const pace = `the server sends them at most ${mail.ratePerSecond} a second`;

  if (what === 'invitations') {
    const plan = dryRun ? { ...previewInvitations(db, trial.id, wave), queued: 0 } : queueInvitations(db, trial.id, wave, loadOrCreateSecret(secretFileFor(ctx.dbPath)), by);
    const n = dryRun ? plan.due.length : plan.queued;
    ctx.io.stdout(`${dryRun ? 'would queue' : 'queued'} ${plural(n, 'invitation')} to the ${wave.name} survey of ${trial.id}`
      + `${now.toISOString() < wave.opensAt ? `, to go when the wave opens (${wave.opensAt})` : ''}; `
      + `${plural(plan.alreadyQueued, 'DSL')} already invited, ${plural(plan.noEmail, 'DSL')} without an email address`
      + `${dryRun ? '' : `; ${pace}`}\n`);
    return 0;
  }
  const s = getFieldworkSettings(db, trial.id);
  const plan = dryRun ? { ...previewReminders(db, trial.id, wave, now, 'manual'), queued: 0 } : queueReminders(db, trial.id, wave, now, by, 'manual');
  const n = dryRun ? plan.due.length : plan.queued;
  ctx.io.stdout(`${dryRun ? 'would queue' : 'queued'} ${plural(n, 'reminder')} for the ${wave.name} survey of ${trial.id}; none for `
    + `${plural(plan.completed, 'DSL')} who completed, ${plural(plan.optedOut, 'DSL')} who opted out, ${plural(plan.notYetDue, 'DSL')} messaged less than a day ago, `
    + `${plural(plan.hadEvery, 'DSL')} who had all ${s.reminderMax}, ${plural(plan.pending, 'DSL')} with a message still on its way`
    + `${dryRun ? '' : `; ${pace}`}\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'send',
  summary: 'queue survey invitations or reminders for the server to send by email (SMTP or GOV.UK Notify)',
  usage: 'send invitations|reminders --trial <id> --wave baseline|midpoint|endline [--dry-run]',
  description: `
Queues messages in the outbox; the running server's sender sends them at DSLKIT_MAIL_RATE a second, retries what
fails for a passing reason, and never sends the same message to a DSL twice. --dry-run says how many would be queued
and changes nothing.
  invitations  every active DSL with an email address who has no invitation to the wave yet (before the wave opens,
               they wait for its opening time)
  reminders    the DSLs sent an invitation who have not completed, withdrawn or opted out, last messaged at least a
               day ago, who have had fewer than the trial's most reminders (fieldwork settings; automatic reminders
               every N days are set there too)
Nothing is queued for a closed wave. Without DSLKIT_SMTP_URL or DSLKIT_NOTIFY_KEY only --dry-run works: use
dslkit invitations for a mail-merge CSV instead.

Example: dslkit send invitations --trial bolton2025 --wave endline --dry-run`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'wave', type: 'string', valueName: '<name>', description: 'baseline, midpoint or endline' },
    { name: 'dry-run', type: 'boolean', description: 'say how many would be queued, change nothing' },
  ],
  usesDb: true,
  run,
};
