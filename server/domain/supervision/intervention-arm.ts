// Who may be supervised in a trial: only schools allocated to the intervention arm (a programme outside a trial has no arms, so every enrolled setting).

export interface SchoolArmFacts {
  trialId: string;
  trialKind: 'trial' | 'programme';
  urn: number;
  /** The school's allocation in this trial; null when it has none (not randomised, or not in the trial). */
  arm: 'intervention' | 'control' | null;
}

/** Why a school may not be supervised in this trial, in words for a form, a problem+json or a CLI line; null when it may. */
export function supervisionRefusal(f: SchoolArmFacts): string | null {
  if (f.trialKind === 'programme') return null;
  if (f.arm === 'intervention') return null;
  if (f.arm === 'control') return `School ${f.urn} is in the control arm of trial "${f.trialId}": only intervention schools receive supervision.`;
  return `School ${f.urn} has no allocation in trial "${f.trialId}": only schools randomised to the intervention arm receive supervision.`;
}
