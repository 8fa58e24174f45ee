// `npm run icons`: fetches crayons' icons into .cache/ once (icons.ts says why); nothing when they are there.
import { join } from 'node:path';
import { ensureIcons } from './icons';

ensureIcons(join(__dirname, '..', '..'), (line) => console.log(line)).then(
  () => process.exit(0),
  (err: Error) => {
    console.error('npm run icons: ' + err.message);
    process.exit(1);
  },
);
