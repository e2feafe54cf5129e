import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

export default defineConfig({
  // Vite strips types from .ts, .mts and .tsx files only; the IPC contract
  // and the preload are .cts files.
  oxc: { include: /\.(m?ts|cts|[jt]sx)$/ },
  resolve: {
    // Electron cannot start in these tests; the shell runs against a double.
    alias: [
      {
        find: /^electron$/,
        replacement: fileURLToPath(
          new URL("./test/support/electron-double.ts", import.meta.url),
        ),
      },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Tests start real servers on loopback; two workers match the
    // two-core CI machine without starving the servers under test.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    server: {
      deps: {
        // electron-store imports "electron"; inlining it lets the alias apply.
        inline: ["electron-store"],
      },
    },
  },
});
