/**
 * Browser tests: a real kernel (the workspace plugins plus the UI fixtures) on a free
 * port serving the built shell, driven with playwright-core in Debian's Chromium —
 * never a downloaded browser. Screenshots land in test-artifacts/screenshots/.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { describe } from "vitest";

/** This checkout: the workspace plugins, the built shell, and the screenshots folder. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const UI_FIXTURE_PLUGINS = fileURLToPath(new URL("../fixtures/plugins", import.meta.url));
export const SCREENSHOTS = path.join(REPO_ROOT, "test-artifacts", "screenshots");
const SHELL_DIST = path.join(REPO_ROOT, "ui-shell", "dist");

/** Chromium from Debian (`apt-get install -y chromium`), or CHROMIUM_PATH. */
function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

const CHROMIUM = findChromium();
const REQUIRED = process.env.ROA2WEB_REQUIRE_BROWSER === "1";

export function chromiumPath(): string {
  if (!CHROMIUM) {
    throw new Error(
      "No Chromium found: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH",
    );
  }
  return CHROMIUM;
}

/**
 * `describe` for browser tests. Without Chromium on the machine they are skipped with
 * a warning (a developer's laptop), unless ROA2WEB_REQUIRE_BROWSER=1 (CI sets it and
 * installs Chromium), where a missing browser fails the run instead.
 */
export const describeBrowser: typeof describe = ((name: string, ...rest: unknown[]) => {
  if (!CHROMIUM && !REQUIRED) {
    console.warn(
      `[browser tests] skipped "${name}": no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    );
    return (describe.skip as (...args: unknown[]) => void)(name, ...rest);
  }
  return (describe as (...args: unknown[]) => void)(name, ...rest);
}) as typeof describe;

export interface BrowserEnv {
  kernel: TestKernel;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (own cookies and storage) with a page. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowserEnv(
  options: {
    env?: Record<string, string>;
    withFixtures?: boolean;
    /** More folders of plugins to load, such as plugins/examples. */
    pluginFolders?: string[];
  } = {},
): Promise<BrowserEnv> {
  if (!existsSync(path.join(SHELL_DIST, "index.html"))) {
    throw new Error("ui-shell/dist is missing: run the build first (pnpm build)");
  }
  const kernel = await startTestKernel({
    listen: true,
    pluginFolders: [
      path.join(REPO_ROOT, "plugins"),
      ...(options.withFixtures === false ? [] : [UI_FIXTURE_PLUGINS]),
      ...(options.pluginFolders ?? []),
    ],
    env: {
      UI_SHELL_DIR: SHELL_DIST,
      // No OCR worker threads unless a test asks for them.
      DATA_ENTRY_OCR_ENABLED: "false",
      LOGIN_RATE_LIMIT_MAX: "1000",
      ...options.env,
    },
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];
  return {
    kernel,
    baseUrl: kernel.url,
    browser,
    async newPage({ width = 1280, height = 800 } = {}) {
      const context = await browser.newContext({
        baseURL: kernel.url,
        viewport: { width, height },
        locale: "ro-RO",
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await kernel.close();
    },
  };
}

/** Signs in through the form (Romanian labels: the default language). */
export async function signIn(page: Page, path = "/", username = "demo", password = "demo") {
  await page.goto(path);
  await page.getByLabel("Utilizator").fill(username);
  await page.getByLabel("Parolă").fill(password);
  await page.getByRole("button", { name: "Intră în cont" }).click();
  // The sign-out button is in the header on every screen size (the menu folds on phones).
  await page.getByRole("button", { name: "Ieșire" }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
