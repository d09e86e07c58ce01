import { defineConfig } from "vite";

/**
 * Two entries: the page (index.html → the shell) and `shell/api.js`, the module plugin
 * UIs import at run time. The API keeps a fixed, unhashed name because plugins built
 * separately import it by URL; everything else is content-hashed and cached forever.
 * The shell imports the same module, so shell and plugins share one Lit and one
 * session.
 */
export default defineConfig({
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      input: { index: "index.html", api: "src/api/index.ts" },
      preserveEntrySignatures: "exports-only",
      output: {
        entryFileNames: (chunk) =>
          chunk.name === "api" ? "shell/api.js" : "assets/[name]-[hash].js",
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": "http://localhost:8000",
      "/plugins": "http://localhost:8000",
      "/health": "http://localhost:8000",
    },
  },
});
