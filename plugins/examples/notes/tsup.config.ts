import { defineConfig } from "tsup";

// One build for the three kinds of output the kernel reads: the entry (dist/plugin.js),
// each route module as its own file (@fastify/autoload loads every file in dist/routes/),
// and the web component (dist/ui/notes-app.js). Code shared by several entries goes to
// dist/chunk-*.js, outside the routes folder.
export default defineConfig({
  entry: ["src/plugin.ts", "src/routes/**/*.ts", "src/ui/notes-app.ts", "!src/**/*.test.ts"],
  format: ["esm"],
  // Node 20 and every current browser run ES2022 as is.
  target: "es2022",
  clean: true,
  sourcemap: true,
  splitting: true,
});
