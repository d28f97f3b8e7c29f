// The disclosure-control thresholds and the plain-English statement of them printed on every public page.

/** Counts from 1 to this number are never published: they are shown as "c". Zero is shown. */
export const LARGEST_HIDDEN_COUNT = 5;
/** A mean, confidence interval or distribution needs at least this many respondents. */
export const MIN_RESPONDENTS_FOR_SUMMARY = 10;
/** A group of schools (an arm, a phase, an LA) needs at least this many schools before figures derived from school data are shown. */
export const MIN_SCHOOLS_IN_GROUP = 10;
/** What a hidden number looks like on the page (ONS/DfE convention: "c" = confidential). */
export const SUPPRESSED_MARK = 'c';

/** The rules as sentences, in the order every public page states them. */
export const DISCLOSURE_RULES: readonly string[] = [
  `Counts from 1 to ${LARGEST_HIDDEN_COUNT} are not shown: they appear as "${SUPPRESSED_MARK}". Zero is shown as 0.`,
  `So that a hidden count cannot be worked out from totals, at least one more number in the same row and in the same column is also hidden ("${SUPPRESSED_MARK}"): the next smallest count, or the total. Further numbers are hidden until no hidden count can be found by adding or subtracting the rows and columns shown.`,
  `Rates and percentages are not shown when any count they are calculated from is hidden.`,
  `Means, confidence intervals and distributions are shown only for groups of at least ${MIN_RESPONDENTS_FOR_SUMMARY} respondents. Distributions use the same rule for their counts as tables do.`,
  `Figures calculated from school records (such as referrals per 1,000 pupils) are shown only for groups of at least ${MIN_SCHOOLS_IN_GROUP} schools; smaller groups are combined or hidden.`,
  'No school is named, and no free-text answers or individual records are published.',
];
