import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "kernel/*/src/**/*.test.ts",
      "kernel/*/test/**/*.test.ts",
      "plugins/**/src/**/*.test.ts",
      "ui-shell/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native SQLite handles and real HTTP servers: forks isolate them best.
    pool: "forks",
  },
});
