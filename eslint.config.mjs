import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The house's layers, lowest first (docs/architecture.md). A folder of src/ may import only
 * folders on lower floors; folders on one floor may not import each other. Actions may import
 * the SDK and the ports only (and their own shared helpers).
 */
const FLOORS = [
  ['protocol', 'ports'],
  ['errors'],
  ['store'],
  ['observability'],
  ['config', 'ratelimit', 'sdk'],
  ['identity', 'http'],
  // Delivery works over the ports; connectors never see the outbox: neither imports the other.
  ['connectors', 'delivery'],
  ['channels'],
  ['server'],
  ['main'],
];

/** An import whose path (relative, from anywhere in src/ or actions/) starts in one of `rooms`. */
const intoRooms = (rooms) => `^(\\.{1,2}/)+(src/)?(${rooms.join('|')})(/|$)`;

const boundaries = FLOORS.flatMap((floor, level) => {
  const above = FLOORS.slice(level + 1).flat();
  return floor.map((room) => {
    const forbidden = [...above, ...floor.filter((r) => r !== room)];
    return {
      files: [`src/${room}/**/*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns: [{ regex: intoRooms(forbidden), message: `src/${room} may not import ${forbidden.join(', ')} (see docs/architecture.md).` }] }],
      },
    };
  });
});

const ROOMS = FLOORS.flat();

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'rasa-project/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...boundaries,
  {
    files: ['actions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: intoRooms(ROOMS.filter((r) => r !== 'sdk' && r !== 'ports')),
              message: 'Actions depend on src/sdk, src/ports and actions/shared only: ask for what you need as a port in `services`.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['actions/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: intoRooms(ROOMS.filter((r) => r !== 'sdk' && r !== 'ports')), message: 'Actions depend on src/sdk, src/ports and actions/shared only: ask for what you need as a port in `services`.' },
            { regex: '^\\./(?!shared/)', message: 'An action does not import another action: move what they share to actions/shared.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
