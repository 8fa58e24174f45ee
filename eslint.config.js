// Lint for the TypeScript sources. The platform's own rule list runs on the BUILT files in
// `npm run validate`; this config keeps the sources free of syntax that TypeScript lowers to
// `var` helpers at ES2017 (the platform's lint rejects `var`: docs/platform.md "Toolchain"), and
// of APIs the platform sandbox does not have (docs/platform.md "Loading server.js").
const tseslint = require('typescript-eslint');

const lowersToVar = [
  { selector: 'ChainExpression', message: 'No optional chaining (?.): tsc lowers it with var helpers that fail the platform lint.' },
  { selector: "LogicalExpression[operator='??']", message: 'No ??: tsc lowers it with var helpers that fail the platform lint.' },
  { selector: "AssignmentExpression[operator='??=']", message: 'No ??=: tsc lowers it with var helpers.' },
  { selector: 'ObjectPattern > RestElement', message: 'No object rest in destructuring: tsc lowers it with a __rest helper.' },
];
const sandboxMissing = [
  { name: 'setTimeout', message: 'The platform sandbox has no timers; use $schedule for later work.' },
  { name: 'setInterval', message: 'The platform sandbox has no timers.' },
  { name: 'setImmediate', message: 'The platform sandbox has no timers.' },
  { name: 'Buffer', message: 'The platform sandbox has no Buffer.' },
  { name: 'process', message: 'The platform sandbox has no process.' },
  { name: 'module', message: 'The platform sandbox has no module: assign exports = {...}.' },
];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'server/server.js', 'app/scripts/**', '.tmp/**'] },
  {
    files: ['server/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      'no-restricted-syntax': ['error', ...lowersToVar],
      'no-restricted-globals': ['error', ...sandboxMissing],
      'no-restricted-properties': ['error', { object: 'console', property: 'warn', message: 'console.warn fails the event in the FDK sandbox.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      'require-await': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // The sidebar (docs/platform.md "Front end"): text goes in through textContent, never as
    // markup; requests go through client.request, never fetch/XHR; no window globals.
    files: ['app/src/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...lowersToVar,
        { selector: "AssignmentExpression > MemberExpression.left[object.name='window']", message: 'No window globals (the platform review refuses them).' },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Render text with textContent (dom/el.ts), never markup.' },
        { property: 'outerHTML', message: 'Render text with textContent (dom/el.ts), never markup.' },
        { property: 'insertAdjacentHTML', message: 'Render text with textContent (dom/el.ts), never markup.' },
        { object: 'document', property: 'write', message: 'Render text with textContent (dom/el.ts), never markup.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Requests go through client.request (platform rule no-non-client-request-model).' },
        { name: 'XMLHttpRequest', message: 'Requests go through client.request (platform rule no-non-client-request-model).' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      'require-await': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      complexity: ['error', 7],
      'max-nested-callbacks': ['error', 4],
    },
  },
  {
    files: ['tools/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
