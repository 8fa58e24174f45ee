// Browser suites start a local session and Chromium: give them time on a small shared machine.
jest.setTimeout(120_000);
