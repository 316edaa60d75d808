import { defineConfig } from 'vitest/config';

// Unit suite: node, against the real wasm in build/wasm (npm test builds it first).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
