// Implementation and process evaluation (IPE) summaries: reach, dosage, fidelity, ad-hoc support, time logs, session forms, evaluation forms and costs (pure; called by the IPE report view-model).
export * from './types';
export { dosageSummary, dosageByUrn, countWord, DEFAULT_SESSIONS_INTENDED, type DosageSummary, type SchoolDosage, type DosageCategory } from './dosage';
export { reachSummary, type ReachRow, type ReachSummary } from './reach';
export { fidelitySummary, weeksBetween, type FidelitySummary } from './fidelity';
export { adhocSummary, type AdhocSummary } from './adhoc-support';
export { timeLogSummary, TIME_LOG_INSTRUMENT, type TimeLogSummary } from './time-logs';
export { sessionFormSummary, type SessionFormSummary } from './session-forms';
export { evaluationFormSummary, evaluationQuestions, EVALUATION_INSTRUMENT, type FormQuestion, type QuestionSummary, type EvaluationFormSummary } from './evaluation-forms';
export { costSummary, type CostInput, type CostLine, type CostSummary } from './costs';
