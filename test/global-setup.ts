// Builds server/server.js before the suite when it is missing or older than its sources, so the
// end-to-end tests always load the file the platform would get.
import { join } from 'node:path';
import { build, isBuildStale } from '../tools/build';

export default async function globalSetup(): Promise<void> {
  const root = join(__dirname, '..');
  if (isBuildStale(root)) await build(root);
}
