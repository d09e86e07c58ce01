import type { Plugin, UserConfig } from "vite";

export declare const SHELL_API: "@roa2web/ui-shell/api";
export declare const SHELL_API_URL: "/shell/api.js";
export declare function shellApiExternal(): Plugin;
export declare function pluginUiConfig(options: {
  entry: string;
  fileName: string;
  outDir?: string;
}): UserConfig;
