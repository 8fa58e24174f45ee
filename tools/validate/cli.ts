// `npm run validate` entry: see ./index.ts. Exits 1 on any error.
import { printResult } from './issues';
import { validate } from './index';

validate(process.cwd(), { log: (line) => console.log(line) }).then(
  (result) => {
    printResult(result);
    if (result.errors.length > 0) process.exitCode = 1;
  },
  (err: unknown) => {
    console.error('validate failed: ' + String((err as Error).stack || err));
    process.exitCode = 1;
  },
);
