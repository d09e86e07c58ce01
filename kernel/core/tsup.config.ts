import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    main: "src/main.ts",
    // @roa2web/kernel/testing: a real kernel for plugin authors' tests.
    testing: "src/testing/index.ts",
    // Loaded by path from the bundled code (new URL("./sqlite-erp-worker.js", import.meta.url)).
    "sqlite-erp-worker": "src/erp/sqlite-erp-worker.js",
  },
  format: ["esm"],
  target: "node20",
  dts: { entry: { index: "src/index.ts", testing: "src/testing/index.ts" } },
  clean: true,
  sourcemap: true,
});
