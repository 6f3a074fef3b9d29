export { runCompare } from './compare-run';
export { parseCompareArgs } from './cli/parse-args';
export { UsageError } from './cli/usage-error';
export { defaultOptions, quickOverrides } from './options';
export type { CompareOptions } from './options';
export type * from './run/results';
