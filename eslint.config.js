// Type-aware lint for every workspace. Generated files are checked by regenerate-and-diff instead.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import tseslint from 'typescript-eslint';

/** The subgraphs' SDL; supergraph.graphql is composed from them, not written by hand. */
const SUBGRAPH_SCHEMAS = readdirSync(new URL('schema/', import.meta.url)).filter((f) => f.endsWith('.graphql') && f !== 'supergraph.graphql');

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/generated/**',
      '.data/**',
      'bench/results/**',
      'gateway/src/playground/client/**',
    ],
  },
  {
    // Code only: the .graphql files have a parser and rules of their own (below).
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/subgraphs/*/src/**', '@shopgraph/product/*', '@shopgraph/inventory/*'], message: 'Subgraphs never import each other: share through @shopgraph/kit.' },
          ],
        },
      ],
    },
  },
  {
    // The recommendation bench runs the subgraph's own algorithms offline and its refresh job, as its tests do.
    // The images bench times the product subgraph's own sharp processor, as its tests do.
    // The analytics bench runs the recommendation subgraph's own batch consumer, as its tests do.
    files: ['bench/reco/**/*.ts', 'bench/images/**/*.ts', 'bench/analytics/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-imports': 'off',
    },
  },
  // .graphql lint: each subgraph's SDL is its own schema (@graphql-eslint builds it with
  // @apollo/subgraph, so federation directives are known). One graphql-config with a project
  // per subgraph, because the parser keeps the first config it loads for the whole process:
  // per-file configs linted every file against whichever schema came first.
  {
    files: SUBGRAPH_SCHEMAS.map((file) => `schema/${file}`),
    plugins: { '@graphql-eslint': graphqlPlugin },
    languageOptions: {
      parser: graphqlPlugin.parser,
      parserOptions: {
        graphQLConfig: { projects: Object.fromEntries(SUBGRAPH_SCHEMAS.map((file) => [file.replace(/\.graphql$/, ''), { schema: `schema/${file}` }])) },
      },
    },
    rules: {
      ...graphqlPlugin.configs['flat/schema-recommended'].rules,
      // Every type, directive and root field says what it is. Not the root types themselves:
      // composition refuses differing descriptions of Mutation across subgraphs, so notes on
      // them are `#` comments (a blank line away, for no-hashtag-description).
      '@graphql-eslint/require-description': [
        'error',
        { types: true, DirectiveDefinition: true, rootField: true, ignoredSelectors: ['[type=ObjectTypeDefinition][name.value=/^(Query|Mutation|Subscription)$/]'] },
      ],
      // @apollo/subgraph rebuilds Query and Mutation without their AST, so the rule sees no root
      // fields and calls nearly every type unreachable. gateway/test/schemaLint.test.ts checks
      // reachability on the composed supergraph instead.
      '@graphql-eslint/no-unreachable-types': 'off',
      // Value types (Money, PriceRange, facets, payloads) have no identity; entities have @key.
      '@graphql-eslint/strict-id-in-types': 'off',
      // Both "…" and """…""" descriptions are in use; composition prints them all as blocks.
      '@graphql-eslint/description-style': 'off',
    },
  },
);
