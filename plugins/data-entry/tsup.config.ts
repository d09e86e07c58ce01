import { defineConfig } from "tsup";

// One build for everything this package ships: the library (dist/index.js and its
// types: the OCR pool and field extraction, imported by package name) and the plugin
// the kernel loads: the entry (dist/plugin.js), each route module as its own file
// (@fastify/autoload loads every file in dist/routes/), and not the web UI,
// which Vite builds into dist/ui/ (vite.config.ts). Code shared by several entries goes to dist/chunk-*.js. Nothing from
// node_modules is bundled (the OCR language data and worker script are found on disk).
export default defineConfig({
  entry: ["src/index.ts", "src/plugin.ts", "src/routes/**/*.ts", "!src/**/*.test.ts"],
  format: ["esm"],
  target: "es2022",
  clean: true,
  sourcemap: true,
  splitting: true,
  dts: { entry: "src/index.ts" },
});
