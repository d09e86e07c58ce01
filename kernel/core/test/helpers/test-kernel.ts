/**
 * The kernel's own tests boot the kernel through `@roa2web/kernel/testing` (src/testing/)
 * with whole folders scanned for plugins, as `PLUGINS_WORKSPACE_DIR` and `PLUGINS_DIR`
 * do, and this checkout's config/test.env. Kernel-only: plugin and shell tests use the
 * public kit, and `pnpm lint` refuses an import of this file from outside the kernel.
 */
import { fileURLToPath } from "node:url";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { Kernel } from "../../src/kernel.js";
import { startTestKernel as startKit, type TestKernel } from "../../src/testing/index.js";

export type { TestKernel } from "../../src/testing/index.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const FIXTURE_PLUGINS = fileURLToPath(new URL("../fixtures/plugins", import.meta.url));

export function startTestKernel(
  options: {
    env?: Record<string, string>;
    listen?: boolean;
    /** Folders whose sub-folders are plugins (default: the fixture plugins); the first is the workspace's. */
    pluginDirs?: string[];
    logLines?: object[];
  } = {},
): Promise<TestKernel> {
  const folders = options.pluginDirs ?? [FIXTURE_PLUGINS];
  return startKit({
    root: REPO_ROOT,
    listen: options.listen,
    logLines: options.logLines,
    env: {
      PLUGINS_WORKSPACE_DIR: folders[0] ?? FIXTURE_PLUGINS,
      PLUGINS_DIR: folders.slice(1).join(","),
      ...options.env,
    },
  });
}

/** inject() against the generation serving now. */
export function inject(kernel: Kernel, options: InjectOptions): Promise<LightMyRequestResponse> {
  const app = kernel.switchboard.activeApp;
  if (!app) throw new Error("no active generation");
  return app.inject(options);
}
