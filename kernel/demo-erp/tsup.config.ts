import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    // The command line that writes a demo ERP file (node dist/cli.js --out …).
    cli: "src/cli.ts",
    // Loaded by path from the bundled code (new URL("./sqlite-erp-worker.js", import.meta.url)).
    "sqlite-erp-worker": "src/sqlite-erp-worker.js",
  },
  format: ["esm"],
  target: "node20",
  dts: { entry: { index: "src/index.ts" } },
  clean: true,
  sourcemap: true,
});
