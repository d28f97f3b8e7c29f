// Which forms belong to a supervision session: the DSL's time log (every contact, ad hoc included) and preparation sheet (before
// an introduction or formal session), answered from a link of their own; the supervisor's record of supervision is written on the staff site.

/** The DSL's session forms, in the order they are listed beside a session. */
export const SESSION_FORM_INSTRUMENTS = ['dsl-time-log@1', 'dsl-preparation@1'] as const;
export type SessionFormInstrument = (typeof SESSION_FORM_INSTRUMENTS)[number];

/** The supervisor's form for each DSL at a session (staff site, not a link). */
export const RECORD_INSTRUMENT = 'supervision-record@1';

/** Instrument ids (without version) that belong to sessions; a survey wave may not ask them (one answer per wave would drop the rest). */
export const SESSION_ONLY_INSTRUMENT_IDS = ['dsl-time-log', 'dsl-preparation', 'supervision-record'] as const;

export const SESSION_FORM_LABEL: Record<SessionFormInstrument, string> = {
  'dsl-time-log@1': 'DSL time log',
  'dsl-preparation@1': 'DSL preparation sheet',
};

/** The DSL forms a session of this kind has: ad-hoc contact is logged in the time log but has no preparation sheet. */
export function sessionFormsFor(kind: 'introduction' | 'formal' | 'adhoc'): SessionFormInstrument[] {
  return kind === 'adhoc' ? ['dsl-time-log@1'] : [...SESSION_FORM_INSTRUMENTS];
}

/** Why a wave cannot ask an instrument, or null: session forms are answered once per session, never once per wave. */
export function waveInstrumentRefusal(instrumentKey: string): string | null {
  const id = instrumentKey.split('@')[0];
  if (!(SESSION_ONLY_INSTRUMENT_IDS as readonly string[]).includes(id)) return null;
  return `${id} belongs to supervision sessions, not to a survey wave: each session has its own ${id === 'supervision-record' ? 'record on the supervisor\'s pages' : 'link for each DSL who attended (dslkit invitations --sessions)'}`;
}
