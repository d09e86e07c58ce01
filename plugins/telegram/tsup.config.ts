import { defineConfig } from "tsup";

// The entry (dist/plugin.js), each route module as its own file (@fastify/autoload
// loads every file in dist/routes/), and the web component (dist/ui/telegram-app.js),
// which imports nothing so no shared chunk lands outside dist/ui/.
export default defineConfig({
  entry: ["src/plugin.ts", "src/routes/**/*.ts", "!src/**/*.test.ts"],
  format: ["esm"],
  target: "es2022",
  clean: true,
  sourcemap: true,
  splitting: true,
});
