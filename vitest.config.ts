import { defineConfig } from 'vitest/config';

// One project per workspace, so `npm test` runs everything and `--project engine` runs one part.
const workspaces = ['engine', 'dsl', 'catalog', 'server', 'studio', 'examples'] as const;

export default defineConfig({
  test: {
    projects: workspaces.map((name) => ({
      extends: true,
      test: {
        name,
        root: `./${name}`,
        include: ['**/__tests__/**/*.test.ts', 'src/**/*.test.ts'],
        exclude: ['**/node_modules/**', '**/.nuxt/**', '**/.output/**'],
      },
    })),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['engine/src/**', 'dsl/src/**', 'catalog/src/**', 'server/src/**'],
      exclude: ['**/__tests__/**', '**/*.test.ts', '**/testing/**'],
      reporter: ['text-summary', 'text', 'json-summary'],
    },
  },
});
