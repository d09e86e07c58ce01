import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    main: "src/main.ts",
    // @roa2web/kernel/testing: a real kernel for plugin authors' tests.
    testing: "src/testing/index.ts",
  },
  format: ["esm"],
  target: "node20",
  dts: { entry: { index: "src/index.ts", testing: "src/testing/index.ts" } },
  clean: true,
  sourcemap: true,
});
