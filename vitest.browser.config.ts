import { defineConfig } from 'vitest/config';

// Browser suite: playwright-core drives Debian's Chromium against the built app (dist/),
// served by a `vite preview` child process each test file owns. One file at a time: the
// machines have 2 cores and each file trains networks.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
