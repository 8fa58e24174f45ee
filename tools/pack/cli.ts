// `npm run pack` entry: see ./index.ts.
import { ToolError } from '../build/platform';
import { printResult } from '../validate/issues';
import { PackRefused, pack } from './index';

pack(process.cwd(), { log: (line) => console.log(line) }).then(
  () => undefined,
  (err: unknown) => {
    if (err instanceof PackRefused) printResult(err.validation);
    console.error('pack failed: ' + (err instanceof ToolError ? err.message : String((err as Error).stack || err)));
    process.exitCode = 1;
  },
);
