import { pluginUiConfig } from "@roa2web/ui-shell/plugin-ui";
import { mergeConfig } from "vite";

// The web UI: built into dist/ui/ with the shell's API left external (see
// docs/plugin-authoring.md, "Web UI"). Two additions to the shell's preset, for the
// Chart.js chunk (docs/adr/0008-chart-library.md): minify whitespace too (library
// mode keeps it, for bundlers downstream; these files go to the browser as they are),
// and treat property reads as free of side effects, so the chart types and scales the
// reports never register (their class bodies read `Ticks.formatters.*`) are dropped
// instead of kept "in case".
export default mergeConfig(
  pluginUiConfig({ entry: "src/ui/index.ts", fileName: "reports-app.js" }),
  {
    build: {
      rolldownOptions: {
        treeshake: { propertyReadSideEffects: false },
        output: { minify: true },
      },
    },
  },
);
