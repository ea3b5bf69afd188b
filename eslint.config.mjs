import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Architectural boundaries are enforced here, not by review: a project may only depend on the
// kinds of project its `type:*` tag allows, and some kinds may not reach for certain packages.
const depConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], allowedExternalImports: ['zod', 'zod/*'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['mongodb', 'etcd3', 'axios', '@nestjs/*', '@aws-sdk/*', 'fastify'] },
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'] },
  // The reconciler runtime wires the control-plane client, etcd and observability into controllers.
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:client'], bannedExternalImports: ['mongodb'] },
  { sourceTag: 'type:integration', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'], bannedExternalImports: ['mongodb'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:client', 'type:infra', 'type:runtime', 'type:integration', 'type:testing'] },
  { sourceTag: 'type:simulator', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:testing'], bannedExternalImports: ['mongodb'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', 'type:client', 'type:runtime', 'type:integration', 'type:testing'] },
  // The dashboard runs in the browser: contracts only, its own fetch client, no server-side packages.
  { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['axios', 'mongodb', 'etcd3', '@nestjs/*', 'fastify', '@aws-sdk/*', 'jose'] },
  { sourceTag: 'type:reconciler', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', 'type:client', 'type:runtime', 'type:integration', 'type:testing'], bannedExternalImports: ['mongodb'] },
];

// Tests of any project may use the shared test kit (builders, fakes, infrastructure helpers) and the simulators.
const testDepConstraints = depConstraints.map((constraint) =>
  constraint.sourceTag === 'type:contracts'
    ? constraint
    : { ...constraint, onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, 'type:testing', 'type:simulator'])] },
);
// Browser tests (e2e/ folders) start the system's processes, so they may use the test kit like integration tests.
const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/e2e/**/*.ts'];
// The kit imports the libraries whose tests import it; that loop runs through test files only.
const ignoredCircularDependencies = [['tag:type:testing', '*']];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'reports/**', '.nx/**', '**/jest.config.ts', '**/jest.int.config.ts', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints, ignoredCircularDependencies }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: testDepConstraints, ignoredCircularDependencies }],
    },
  },
  {
    // Nest resolves constructor parameters from emitted type metadata, so injected classes must stay value imports.
    files: ['apps/control-plane-api/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
];
