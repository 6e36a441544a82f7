// Lint: TypeScript rules plus the dependency rule of DESIGN.md, enforced with
// no-restricted-imports: core ← capability ← {storage, http, cli, client} ← app.ts.
import tseslint from 'typescript-eslint';

const CAPABILITIES = ['data', 'validation', 'pipeline', 'tracking', 'registry', 'models', 'serving', 'monitoring', 'automation', 'features'];
const OUTER = ['storage', 'http', 'cli', 'client'];

/** Patterns forbidding imports of the given top-level folders from a file in src/<from>/. */
function forbid(targets, message) {
  return {
    'no-restricted-imports': ['error', {
      patterns: [
        ...targets.map((t) => ({ group: [`../${t}/*`, `../../${t}/*`, `../../../${t}/*`, `../${t}`, `../../${t}`], message })),
        { group: ['../app.js', '../../app.js', '../../../app.js'], message: 'only the entry points use the composition root' },
      ],
    }],
  };
}

/** A capability may import another capability only through its index.ts. */
function capabilityRules(self) {
  const others = CAPABILITIES.filter((c) => c !== self);
  return {
    'no-restricted-imports': ['error', {
      patterns: [
        ...OUTER.map((t) => ({ group: [`../${t}/*`, `../../${t}/*`, `../../../${t}/*`], message: 'a capability never imports an adapter or an entry layer (DESIGN.md: dependency rule)' })),
        ...others.map((t) => ({
          group: [`../${t}/*`, `../../${t}/*`, `../../../${t}/*`, `!../${t}/index.js`, `!../../${t}/index.js`, `!../../../${t}/index.js`],
          message: `import ${t} only through its index.ts`,
        })),
        { group: ['../app.js', '../../app.js', '../../../app.js'], message: 'only the entry points use the composition root' },
      ],
    }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'coverage/**', 'bench/**/*.js', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['src/core/**/*.ts'], rules: forbid([...CAPABILITIES, ...OUTER], 'core depends on nothing else in src (DESIGN.md: dependency rule)') },
  ...CAPABILITIES.map((c) => ({ files: [`src/${c}/**/*.ts`], ignores: ['src/**/*.test.ts'], rules: capabilityRules(c) })),
  { files: ['src/storage/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: forbid(['http', 'cli', 'client'], 'adapters do not import entry layers') },
);
