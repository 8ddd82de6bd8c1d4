import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Workspace packages resolve to their TypeScript sources in tests, so `npm test` needs no build.
const alias = {
  '@cairn/harness': here('./test/harness/index.ts'),
  '@cairn/bfd': here('./packages/bfd/src/index.ts'),
  '@cairn/bgp': here('./packages/bgp/src/index.ts'),
  '@cairn/ra': here('./packages/ra/src/index.ts'),
  '@cairn/nft': here('./packages/nft/src/index.ts'),
  '@cairn/appliance': here('./packages/appliance/src/index.ts'),
  '@cairn/sys': here('./packages/sys/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './test/harness/summary-reporter.ts'],
    // Two cores: at most two test files at once, so timer-driven integration tests are not starved.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          // Integration tests build network namespaces and run real daemons (FRR, nft, rdisc6).
          include: ['packages/*/test/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['./test/harness/global-setup.ts'],
        },
      },
    ],
  },
});
