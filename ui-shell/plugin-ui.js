/**
 * Vite configuration for a roa2web plugin's web UI (see docs/plugin-authoring.md,
 * "Web UI"). The UI is built as ES modules into `dist/ui/`; the shell's API
 * (`@roa2web/ui-shell/api`: Lit, the session-aware `api`, `t`, the shared
 * components) is not bundled but imported at run time from `/shell/api.js`, so every
 * plugin shares the shell's single copy.
 *
 *   // plugins/<name>/vite.config.ts
 *   import { pluginUiConfig } from "@roa2web/ui-shell/plugin-ui";
 *   export default pluginUiConfig({ entry: "src/ui/index.ts", fileName: "reports-app.js" });
 */

export const SHELL_API = "@roa2web/ui-shell/api";
export const SHELL_API_URL = "/shell/api.js";

/** Resolves the shell API to its run-time URL and keeps it out of the bundle. */
export function shellApiExternal() {
  return {
    name: "roa2web-shell-api",
    enforce: "pre",
    resolveId(source) {
      if (source === SHELL_API) return { id: SHELL_API_URL, external: true };
      return null;
    },
  };
}

/**
 * @param {{ entry: string; fileName: string; outDir?: string }} options
 *   `fileName` must be the base name of the manifest's `ui.module`.
 */
export function pluginUiConfig({ entry, fileName, outDir = "dist/ui" }) {
  return {
    plugins: [shellApiExternal()],
    build: {
      target: "es2022",
      outDir,
      emptyOutDir: true,
      sourcemap: true,
      copyPublicDir: false,
      lib: { entry, formats: ["es"], fileName: () => fileName },
      rolldownOptions: {
        output: { chunkFileNames: "chunks/[name]-[hash].js" },
      },
    },
  };
}
