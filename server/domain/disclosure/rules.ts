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
  `All the tables and charts on this page are protected together. Wherever a hidden count could be worked out from other numbers on the page (by adding or subtracting rows, columns, totals, the bands of a chart, or the same count in another table), more numbers are hidden ("${SUPPRESSED_MARK}") until none can.`,
  `Rates and percentages are not shown when any count they are calculated from is hidden.`,
  `Scores (means, confidence intervals and distributions) come only from surveys that have closed, and only for groups of at least ${MIN_RESPONDENTS_FOR_SUMMARY} respondents. They are not shown for a group whose answers are all the same or all fall in one band of the chart.`,
  'The figures of a closed survey are fixed the first time any of its scores is shown and are never recalculated, so later changes (late returns, withdrawals, erasures) cannot be worked out by comparing versions of this page.',
  `Figures calculated from school records (such as referrals per 1,000 pupils) are shown only for groups of at least ${MIN_SCHOOLS_IN_GROUP} schools; smaller groups are combined or hidden.`,
  'No school is named, and no free-text answers or individual records are published.',
];
