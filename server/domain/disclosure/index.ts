// Disclosure control: the one module every public number (tables and charts) passes through before it is published.
export { protectCountTable, isSmallCount, type PublishedCount, type ProtectedCountTable, type HiddenReason } from './protect-counts';
export { protectSummary, protectRate, enoughSchools, type PublishedSummary } from './protect-summary';
export { DISCLOSURE_RULES, LARGEST_HIDDEN_COUNT, MIN_RESPONDENTS_FOR_SUMMARY, MIN_SCHOOLS_IN_GROUP, SUPPRESSED_MARK } from './rules';
export { formatCount, formatNumber } from './format';
export { ProtectedTableSet, type ProtectedSet, type EntryId } from './table-set';
export { protectGroupSummary } from './group-disclosure';
