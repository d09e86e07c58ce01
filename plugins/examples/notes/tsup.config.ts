import { defineConfig } from "tsup";

// The server half: the entry (dist/plugin.js) and each route module as its own file
// (@fastify/autoload loads every file in dist/routes/). Code shared by several entries
// goes to dist/chunk-*.js, outside the routes folder. The web UI is Vite's
// (vite.config.ts), built after this one into dist/ui/.
export default defineConfig({
  entry: ["src/plugin.ts", "src/routes/**/*.ts", "!src/**/*.test.ts"],
  format: ["esm"],
  // Node 20 runs ES2022 as is.
  target: "es2022",
  clean: true,
  sourcemap: true,
  splitting: true,
});
