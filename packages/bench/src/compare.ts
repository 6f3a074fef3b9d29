// `pnpm --filter bench run compare`: parse flags, run, exit non-zero on bad input or failure.
import { parseCompareArgs, usage } from './cli/parse-args';
import { runCompare } from './compare-run';

async function main(): Promise<number> {
  let options;
  try {
    // `pnpm run compare -- --quick` may hand the `--` through; it separates nothing here.
    const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
    options = parseCompareArgs(argv);
  } catch (err) {
    console.error(`compare: ${(err as Error).message}`);
    return 2;
  }
  if (!options) {
    console.log(usage);
    return 0;
  }
  await runCompare(options);
  return 0;
}

// Stop every child by PID (child-process.ts does it on exit) when interrupted.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`compare failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
