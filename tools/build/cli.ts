// `npm run build` entry: see ./index.ts.
import { build } from './index';
import { ToolError } from './platform';

build(process.cwd(), { log: (line) => console.log(line) }).then(
  () => undefined,
  (err: unknown) => {
    console.error('build failed: ' + (err instanceof ToolError ? err.message : String((err as Error).stack || err)));
    process.exitCode = 1;
  },
);
