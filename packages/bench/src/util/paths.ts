import path from 'node:path';

/** packages/bench, found from this file whether it runs as src/util/*.ts or dist/util/*.js. */
export const benchRoot = path.resolve(__dirname, '..', '..');

/** packages/, where the balancer packages live beside bench. */
export const packagesRoot = path.resolve(benchRoot, '..');

/** Where `compare` writes its JSON and HTML unless told otherwise. */
export const defaultResultsDir = path.join(benchRoot, 'results');
