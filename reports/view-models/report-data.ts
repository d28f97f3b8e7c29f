// The plain data a report is built from (gathered by server/storage/report-data-repo.ts; tests build it by hand or from a seeded database).
export type ArmName = 'intervention' | 'control';

export interface ReportTrial {
  id: string;
  title: string;
  kind: 'trial' | 'programme';
  unit: 'school' | 'local_authority';
  strata: string[];
  method: string | null;
  seed: number | null;
  status: string;
  sessionsIntended: number | null;
  sessionIntervalWeeks: [number, number];
  startsOn: string | null;
  endsOn: string | null;
  isDemo: boolean;
}

export interface ReportRandomisation {
  method: string; algorithmVersion: string; seed: number; inputSha256: string; strata: string[]; cluster: string | null; createdAt: string;
  /** Made outside dslkit and imported: method is 'imported: <how>', algorithmVersion the software, createdAt the day it was made, inputSha256 the file's. */
  imported?: boolean;
  /** Balance previews (each audited with its seed) looked at before the allocation was locked. */
  previews?: number;
  /** niesr-fsm-median: the column the blocks were made on (PercentageFSM, or PNUMFSMEVER: the imported ever-FSM); absent or null: PercentageFSM. */
  fsmColumn?: string | null;
}

export interface ReportSchool {
  urn: number; name: string; laCode: string; laName: string; phase: string | null; type: string | null; pupils: number | null;
  fsmPercent: number | null; ofstedRating: string | null; urbanRural: string | null;
  /** Status in the trial (trial_schools); null when the school was allocated without a trial_schools row. */
  enrolment: 'enrolled' | 'excluded' | 'declined' | 'withdrawn' | null;
  arm: ArmName | null;
  stratum: string | null;
  /** Why the school has its status (excluded, declined, withdrawn), as the evaluator recorded it; absent or null when enrolled. */
  statusReason?: string | null;
  /** An intervention school whose supervision attendance record is missing: received the intervention, dosage unknown. */
  attendanceMissing?: boolean;
}

export interface ReportDsl { id: string; urn: number; role: string | null; status: 'active' | 'withdrawn' | 'erased' }

export interface ReportWave { id: number; name: 'baseline' | 'midpoint' | 'endline'; opensAt: string; closesAt: string; instruments: string[] }

export interface ReportInvitation { waveId: number; dslId: string }

export interface ReportWaveResponse {
  id: number; waveId: number; dslId: string; status: 'partial' | 'complete'; submittedAt: string | null;
  /** A paper or legacy return typed in (dslkit import responses); absent in hand-built data (web). */
  paper?: boolean;
}

export interface ReportScore { waveId: number; dslId: string; instrument: string; scale: string; value: number | null }

export interface ReportSession {
  id: number; kind: 'introduction' | 'formal' | 'adhoc'; mode: 'face_to_face' | 'online' | 'phone' | 'email'; format: 'individual' | 'group';
  heldOn: string; durationMinutes: number; attendees: { dslId: string; urn: number }[];
}

/** Administrative counts per school and measure, summed over the outcome window and the baseline window (the year before). */
export interface ReportAdminOutcome { urn: number; measure: string; outcomeCount: number | null; outcomeMonths: number; baselineCount: number | null; baselineMonths: number }

/** The robustness sub-window of the outcome window and each school's count per measure over it (a measure with no row in a covered month counted none). */
export interface AdminSubWindow { months: [string, string]; fromSetting: boolean; counts: Array<{ urn: number; measure: string; count: number }> }

export interface AdminWindows { outcome: [string, string] | null; baseline: [string, string] | null }

/** A completed form (evaluation form, time log, preparation sheet, record of supervision) with its newest answers. */
export interface ReportFormResponse {
  responseId: number; dslId: string; urn: number; instrument: string; submittedAt: string | null; answers: Record<string, unknown>;
  /** The supervision session it belongs to (a session form's link, or the supervisor's record); null for a wave's or a wave-less form. */
  sessionId?: number | null;
}

export interface ReportCost {
  item: string; amountPence: number; basis: 'per_school' | 'per_dsl' | 'total'; note: string | null;
  /** per_school only: how many settings share one package at this price (1 when not shared; default 1). */
  sharedBy?: number;
}

export interface ReportQuote { responseId: number; item: string; selectedBy: string; selectedAt: string }

export interface ProtocolMdes { icc: number; r2Cluster: number; r2Individual: number; clusterSize: number | null; alpha: number; power: number }

export interface ReportSettings {
  /** 'admin:<measure>' or '<instrument id>:<scale>'; null chooses a default. */
  primaryOutcome: string | null;
  effectSize: 'glass' | 'hedges';
  seType: 'auto' | 'cr1' | 'cr2';
  /**
   * LA outcome months missing for a school: 'complete' (default) analyses only schools with every month of the
   * outcome and baseline windows; 'prorate' scales up windows with at least half their months (named in the report).
   */
  adminMissingMonths?: 'complete' | 'prorate';
  /** Survey outcomes also by the multilevel model, leading with Hedges' g on the total or the within-school variance; 'off' (default) omits it. */
  mlmEffectSize?: 'off' | 'total' | 'within';
  /** Months ('YYYY-MM', first and last) the robustness section re-runs the primary model on; null or absent: the latter half of the outcome window (as the Bolton report's January–March check). */
  robustnessWindow?: [string, string] | null;
  /** Randomisation inference beside the CR1/CR2 p: `draws` re-runs of the trial's allocation, re-run b seeded set.seed(seed + b) (exact with at most 20 units). Off when absent. */
  permutation?: { on: boolean; draws: number; seed: number | null };
  /** Cluster bootstrap CIs (percentile and BCa): `draws` resamples of whole clusters within strata after set.seed(seed). Off when absent. */
  bootstrap?: { on: boolean; draws: number; seed: number | null };
  /** CACE by 2SLS beside the dose-response: receipt "at least `threshold` formal sessions", and the dosage as a continuous receipt. Off when absent. */
  cace?: { on: boolean; threshold: number | null };
  protocolMdes: Partial<ProtocolMdes>;
}

/** A trial's own answer key for an instrument ('id@version'), as stored: its entries replace the bundled key's. */
export interface ReportAnswerKey {
  instrument: string;
  overrides: Record<string, unknown>;
  /** When the key in force was stored (ISO). */
  storedAt: string;
  /** How many times the trial's key for this instrument has been set (1 = the first key); the key's version. */
  timesSet: number;
  /** Scores of this instrument computed before the key in force was stored and not rescored since, per scale. */
  scoresBefore: Record<string, number>;
}

/** Facts the design table names beyond the allocation (gathered by server/storage/report-design-repo.ts). */
export interface ReportDesignFacts {
  /** The file name an imported allocation was read from. */
  allocationFile: string | null;
  answerKeys: ReportAnswerKey[];
}
/** A school covariate beyond GIAS (dslkit import covariates: ever-FSM, EAL, SEN support, KS2), with the files its values came from (none: not held). */
export interface ReportCovariate {
  key: string; column: string; label: string;
  sources: Array<{ file: string; sha256: string; importedAt: string }>;
}
/** One school's value of a covariate: null with the reason ('blank', or the file's code such as SUPP) when the file gave none. */
export interface ReportCovariateValue { urn: number; covariate: string; value: number | null; missing: string | null }

/** Table 2's comparison column (national or LA figures) as the evaluator entered it: a heading and figures by characteristic key. */
export interface ReportComparison { heading: string; figures: Record<string, number> }

export interface ReportData {
  trial: ReportTrial;
  randomisation: ReportRandomisation | null;
  schools: ReportSchool[];
  dsls: ReportDsl[];
  waves: ReportWave[];
  invitations: ReportInvitation[];
  waveResponses: ReportWaveResponse[];
  scores: ReportScore[];
  sessions: ReportSession[];
  adminOutcomes: ReportAdminOutcome[];
  adminWindows: AdminWindows;
  /**
   * Months of the outcome and baseline windows with any imported count, per school (gathered from the database).
   * Absent in hand-built data: every school is then taken as covering every month.
   */
  adminCoverage?: Array<{ urn: number; months: string[] }>;
  /** Schools (and school-months) whose contacts were derived as NFA + referrals because no contacts count was imported. */
  derivedContacts?: { schools: number; schoolMonths: number } | null;
  /** Each school's LA counts per measure summed over the robustness sub-window (absent in hand-built data without one). */
  adminSubWindow?: AdminSubWindow | null;
  forms: ReportFormResponse[];
  costs: ReportCost[];
  quotes: ReportQuote[];
  descriptions: Record<string, string>;
  settings: ReportSettings;
  /** The evaluator's Markdown for each written report section (executive_summary, key_conclusions ...); absent or missing keys are empty. */
  evaluatorSections?: Partial<Record<string, string>>;
  /** Absent in hand-built data: the design table then names no allocation file and only bundled answer keys. */
  design?: ReportDesignFacts;
  /** Every covariate dslkit can import, each with its sources (absent in hand-built data: none held). */
  covariates?: ReportCovariate[];
  covariateValues?: ReportCovariateValue[];
  /** Table 2's comparison figures (report inputs); absent or null when none were entered. */
  comparison?: ReportComparison | null;
}
