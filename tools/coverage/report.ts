// `npm test` ends here: coverage of the shipped server/server.js, every metric at least 80%.
import { join } from 'node:path';
import { reportShippedCoverage, SHIPPED_THRESHOLD } from './shipped-coverage';

const root = join(__dirname, '..', '..');
const result = reportShippedCoverage(root);
console.log(
  'Shipped server/server.js coverage (as the runtime executed it, ' + result.files + ' runtime sessions): ' +
    Object.entries(result.pct).map(([metric, pct]) => metric + ' ' + pct + '%').join(', '),
);
if (result.failures.length) {
  console.error('Shipped coverage below ' + SHIPPED_THRESHOLD + '%:\n  ' + result.failures.join('\n  '));
  process.exit(1);
}
