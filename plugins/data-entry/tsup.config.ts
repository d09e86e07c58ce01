import { defineConfig } from "tsup";

// A library for now: one entry, its types, nothing bundled from node_modules (the
// language data and the tesseract.js worker script are found on disk at run time).
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "es2022",
  clean: true,
  sourcemap: true,
  dts: true,
});
