import { pluginUiConfig } from "@roa2web/ui-shell/plugin-ui";

// The web UI: src/ui/index.ts built into dist/ui/notes-app.js (the manifest's
// ui.module), with the shell's API left external (see docs/plugin-authoring.md,
// "The web UI").
export default pluginUiConfig({ entry: "src/ui/index.ts", fileName: "notes-app.js" });
