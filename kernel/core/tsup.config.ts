import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    main: "src/main.ts",
    // Loaded by path from the bundled code (new URL("./sqlite-erp-worker.js", import.meta.url)).
    "sqlite-erp-worker": "src/erp/sqlite-erp-worker.js",
  },
  format: ["esm"],
  target: "node20",
  dts: { entry: { index: "src/index.ts" } },
  clean: true,
  sourcemap: true,
});
