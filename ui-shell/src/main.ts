/**
 * The shell's entry. The shared API module is imported first so the components it
 * defines exist before the app renders. URLPattern (which the Lit router needs when
 * the app connects) is polyfilled only in browsers that lack it, so the others never
 * download it. The registry hooks that let a plugin's new version define its tags again
 * (core/element-versions.ts) are in place before any plugin module loads.
 */
import "./api/index.js";
import { installElementVersions } from "./core/element-versions.js";
import { registerMessages } from "./core/i18n.js";
import { shellMessages } from "./i18n/shell-messages.js";
import "./roa-app.js";

registerMessages(shellMessages);
installElementVersions();

async function start(): Promise<void> {
  if (!("URLPattern" in globalThis)) await import("urlpattern-polyfill");
  document.body.append(document.createElement("roa-app"));
}

void start();
