// Barrel for reports/analysis: trial analyses (ITT, dose-response, subgroups, balance, attrition, MDES, ICC, imputation) for the report renderers.
export * from './types';
export { ittAnalysis, prepareItt, fitPreparedItt, type PreparedItt } from './itt';
export { parseArm, isMissing } from './prepare-data';
