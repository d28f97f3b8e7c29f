// Barrel for reports/stats: the pure numerical estimators every analysis and report uses.
export * from './matrix';
export * from './weighted-least-squares';
export * from './variance-types';
export * from './classical-variance';
export * from './hc1-variance';
export * from './cr1-variance';
export * from './cr2-variance';
export * from './t-distribution';
export * from './coefficient-test';
export * from './glass-delta';
export * from './hedges-g';
export * from './mdes';
export * from './icc';
export * from './standardised-difference';
export * from './rubins-rules';
export * from './random';
