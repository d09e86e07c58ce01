import { defineConfig } from "tsup";

/**
 * The shell API's declarations for plugin authors: `@roa2web/ui-shell/api` resolves to
 * types/api.d.ts (one bundled file that imports only `lit`). There is no JavaScript
 * entry on purpose: a plugin's Vite build rewrites the import to `/shell/api.js`, the
 * shell's own copy, served at run time (plugin-ui.js).
 */
export default defineConfig({
  entry: { api: "src/api/index.ts" },
  format: ["esm"],
  outDir: "types",
  dts: { only: true },
  clean: true,
});
