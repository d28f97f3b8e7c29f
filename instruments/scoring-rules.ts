// The declarative scoring rules each instrument's scoring.json holds, as a zod schema (the registry validates with it, the engine reads it).
import { z } from 'zod';

export const keyValueSchema = z.union([z.number(), z.string(), z.boolean()]);
export type KeyValue = z.infer<typeof keyValueSchema>;

/** One item's correct answer(s) in an answer key; null means "not scored" (an evaluator can drop an item). */
export const keyEntrySchema = z.union([keyValueSchema, z.array(keyValueSchema).min(1), z.null()]);
export type KeyEntry = z.infer<typeof keyEntrySchema>;
export type AnswerKey = Record<string, KeyEntry>;

export const directionSchema = z.enum(['higher-better', 'higher-worse', 'none']);
export type Direction = z.infer<typeof directionSchema>;

const bandSchema = z.object({
  label: z.string().min(1),
  min: z.number().optional(),
  max: z.number().optional(),
}).strict();
export type BandRule = z.infer<typeof bandSchema>;

export const scaleRuleSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string().min(1),
  direction: directionSchema,
  /** The items this scale uses, in order. */
  items: z.array(z.string()).min(1),
  /**
   * value: the single item's answer; sum; mean; proportionCorrect: share of answered keyed items matching the key;
   * countAnswered: how many items have an answer; countEqual: how many answers are one of `equals`.
   */
  method: z.enum(['value', 'sum', 'mean', 'proportionCorrect', 'countAnswered', 'countEqual']),
  /** Reverse-keyed items: answer v becomes min + max - v. */
  reverse: z.object({ items: z.array(z.string()).min(1), min: z.number(), max: z.number() }).strict().optional(),
  /** Recode maps: answer v (as a string key) becomes map[v]. Applied before reversing. */
  recode: z.array(z.object({ items: z.array(z.string()).min(1), map: z.record(z.string(), z.number()) }).strict()).optional(),
  /** At least this many items must be answered, else null. */
  minAnswered: z.number().int().min(0).optional(),
  /** At most this many items may be missing, else null. Without minAnswered or maxMissing every item is needed. */
  maxMissing: z.number().int().min(0).optional(),
  /** sum only: when some items are missing (within the rule), sum = mean of answered items x number of items. */
  prorate: z.boolean().optional(),
  /** proportionCorrect only: item id -> correct answer(s); a trial may override entries. */
  key: z.record(z.string(), keyEntrySchema).optional(),
  /** Free text shown with the key (e.g. "illustrative: review before use"). */
  keyStatus: z.string().optional(),
  /** countEqual only: the answers that count. */
  equals: z.array(keyValueSchema).min(1).optional(),
  /** Converts the combined (raw) value by table lookup, e.g. the SWEMWBS Rasch metric. */
  lookup: z.record(z.string(), z.number()).optional(),
  /** Multiplies the result (e.g. minutes -> hours = 1/60). */
  multiply: z.number().optional(),
  /** Rounds the result to this many decimals. */
  round: z.number().int().min(0).max(10).optional(),
  /** Bands: the first whose [min, max] (inclusive, either may be absent) contains the value. */
  bands: z.array(bandSchema).min(1).optional(),
}).strict();
export type ScaleRule = z.infer<typeof scaleRuleSchema>;

export const scoringSpecSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.number().int().min(1),
  title: z.string().min(1),
  respondent: z.enum(['dsl', 'supervisor']),
  standardised: z.boolean(),
  /** Licence in one or two sentences (who may use it). */
  licenceNote: z.string().min(1),
  /** True when item text is licensed and comes from the git-ignored licensed-text.json. */
  licensedText: z.boolean().optional(),
  scales: z.array(scaleRuleSchema),
}).strict();
export type ScoringSpec = z.infer<typeof scoringSpecSchema>;

export const caseSchema = z.object({
  name: z.string().min(1),
  source: z.string().min(10),
  answers: z.record(z.string(), z.union([keyValueSchema, z.null()])),
  keyOverrides: z.record(z.string(), keyEntrySchema).optional(),
  expected: z.record(z.string(), z.object({
    value: z.number().nullable(),
    band: z.string().optional(),
    reason: z.string().optional(),
  }).strict()),
}).strict();
export const casesFileSchema = z.object({ cases: z.array(caseSchema).min(1) }).strict();
export type ScoringCase = z.infer<typeof caseSchema>;

export const licensedTextSchema = z.object({
  licence: z.string().optional(),
  intro: z.string().optional(),
  items: z.record(z.string(), z.string().min(1)),
}).strict();
export type LicensedText = z.infer<typeof licensedTextSchema>;
