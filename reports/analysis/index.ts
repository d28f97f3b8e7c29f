// Barrel for reports/analysis: trial analyses (ITT, dose-response, subgroups, balance, attrition, MDES, ICC, imputation) for the report renderers.
export * from './types';
export { ittAnalysis, prepareItt, fitPreparedItt, type PreparedItt } from './itt';
export { parseArm, isMissing } from './prepare-data';
export { balanceTable, type BalanceRow, type BalanceArmSummary } from './balance';
export { consortCounts, type ConsortRecord, type ConsortCounts, type ConsortStage } from './attrition';
export { multipleImputationItt, type MultipleImputationOptions, type MultipleImputationResult } from './imputation';
export { subgroupAnalysis, type SubgroupResult } from './subgroup';
export { mdes, requiredClusters, type MdesOptions, type MdesResult } from '../stats/mdes';
export { icc, type IccResult } from '../stats/icc';
export type { CoefficientTest } from '../stats/coefficient-test';
