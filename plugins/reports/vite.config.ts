import { pluginUiConfig } from "@roa2web/ui-shell/plugin-ui";

// The web UI: built into dist/ui/ with the shell's API left external (see
// docs/plugin-authoring.md, "Web UI").
export default pluginUiConfig({ entry: "src/ui/index.ts", fileName: "reports-app.js" });
