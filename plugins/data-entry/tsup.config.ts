import { readdirSync } from "node:fs";
import { defineConfig } from "tsup";

// One build for everything this package ships: the library (dist/index.js and its
// types: the OCR pool and field extraction, imported by package name) and the plugin
// the kernel loads: the entry (dist/plugin.js), each route module as its own file
// (@fastify/autoload loads every file in dist/routes/), and not the web UI,
// which Vite builds into dist/ui/ (vite.config.ts). Code shared by several entries goes to dist/chunk-*.js. Nothing from
// node_modules is bundled (the OCR language data and worker script are found on disk).
// The PDF reader's worker is loaded by path (new URL("./pdf-worker.js", import.meta.url)
// from src/ocr/ and from the bundled dist/ alike), so it is its own entry at dist/'s root.
const routes = Object.fromEntries(
  readdirSync("src/routes")
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => [`routes/${file.slice(0, -3)}`, `src/routes/${file}`]),
);

export default defineConfig({
  entry: {
    index: "src/index.ts",
    plugin: "src/plugin.ts",
    ...routes,
    "pdf-worker": "src/ocr/pdf-worker.js",
  },
  format: ["esm"],
  target: "es2022",
  clean: true,
  sourcemap: true,
  splitting: true,
  dts: { entry: "src/index.ts" },
});
