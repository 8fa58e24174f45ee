import { join } from 'node:path';
import { clearShippedCoverage } from './shipped-coverage';

clearShippedCoverage(join(__dirname, '..', '..'));
