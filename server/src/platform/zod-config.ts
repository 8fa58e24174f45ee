// zod's schemas compile a fast parser (`new Function`) the first time each one parses. The
// platform evaluates server.js afresh for every event (docs/platform.md "Loading server.js"), so
// every event would pay that compile for schemas it uses once: measured with `npm run bench`,
// section 4, it was most of a free event's CPU. Parsing without it is as correct and, for one
// parse, cheaper; and no code is generated at run time inside the platform's sandbox.
import { config } from 'zod';

config({ jitless: true });
