// A DSL's data-protection request as one action: withdraw (keep pseudonymous data, stop invitations) or withdraw and erase (delete personal data and answers).
import { ConflictError, ValidationError } from '../../../shared/errors';

export type ErasureMode = 'withdraw' | 'erase';
export type DslStatus = 'active' | 'withdrawn' | 'erased';

/** What happens to each kind of record, for the confirmation page and the CLI's output. */
export const erasureEffects: Record<ErasureMode, string[]> = {
  withdraw: [
    'No more invitations or reminders are sent; existing invitation links now say the survey has closed.',
    'Answers already given stay in the analysis under the pseudonymous id.',
    'The DSL counts as withdrawn in the CONSORT flow.',
  ],
  erase: [
    'Name and email address are deleted.',
    'Every survey response, raw answer snapshot and score of this DSL is deleted.',
    'Supervision attendance records of this DSL are deleted.',
    'Invitation links are deleted.',
    'The pseudonymous id stays with status "erased" so the CONSORT flow counts the DSL as withdrawn; exports and reports no longer contain any of their data.',
    'The deleted data is overwritten with zeros in the database file and its write-ahead log, so later backups do not hold it; backups taken before the erasure still do until they are rotated out.',
  ],
};

export function parseErasureMode(raw: string): ErasureMode {
  if (raw === 'withdraw' || raw === 'erase') return raw;
  throw new ValidationError('Select whether to withdraw only, or to withdraw and erase', [{ pointer: '/mode', detail: 'Select whether to withdraw only, or to withdraw and erase' }]);
}

/** Refuses requests that make no sense for the DSL's current status (erasing twice, withdrawing an erased DSL). */
export function checkTransition(status: DslStatus, mode: ErasureMode): void {
  if (status === 'erased') throw new ConflictError('This DSL\'s data has already been erased.');
  if (status === 'withdrawn' && mode === 'withdraw') throw new ConflictError('This DSL has already withdrawn.');
}
