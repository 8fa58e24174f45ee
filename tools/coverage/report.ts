// `npm test` ends here: coverage of the shipped server/server.js and, once the sidebar is built,
// of the shipped app/scripts/*.js as the browser tests ran them; every metric at least 80%.
import { join } from 'node:path';
import { hasAppSources } from '../build';
import { reportAppCoverage, reportShippedCoverage, SHIPPED_THRESHOLD, type ShippedCoverageSummary } from './shipped-coverage';

const root = join(__dirname, '..', '..');
let failed = false;

function show(what: string, result: ShippedCoverageSummary): void {
  console.log(what + ' (' + result.files + ' recordings): ' + Object.entries(result.pct).map(([metric, pct]) => metric + ' ' + pct + '%').join(', '));
  if (result.failures.length) {
    console.error(what + ' below ' + SHIPPED_THRESHOLD + '%:\n  ' + result.failures.join('\n  '));
    failed = true;
  }
}

show('Shipped server/server.js coverage, as the runtime executed it', reportShippedCoverage(root));
if (hasAppSources(root)) show('Shipped app/scripts coverage, as the browser ran it', reportAppCoverage(root));
else console.log('No app/src yet: no front-end coverage to report.');
if (failed) process.exit(1);
