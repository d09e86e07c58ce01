/**
 * A plugin's page follows the plugin while it is open (#17 item 5): a new version
 * installed on the running (development) server shows its new texts in the open page
 * without a reload — the same document, still signed in, on the same route, the inner
 * elements new too — and a plugin disabled meanwhile shows the "no longer enabled" card.
 * With PLUGIN_UI_RELOAD=notice (production's default) the page stays as it is and a
 * notice offers the reload. The UI guards its defines with `customElements.get`, as the
 * workspace plugins do.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type BrowserEnv,
  describeBrowser,
  REPO_ROOT,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

const home = mkdtempSync(path.join(os.tmpdir(), "roa2web-ui-live-"));
symlinkSync(path.join(REPO_ROOT, "ui-shell", "node_modules"), path.join(home, "node_modules"));

/** A built plugin folder whose page shows `words`, packed as `roa2web plugin pack` does. */
function packVersion(version: string, words: { title: string; badge: string }): string {
  const folder = path.join(home, `live-${version}`);
  mkdirSync(path.join(folder, "dist", "ui"), { recursive: true });
  writeFileSync(
    path.join(folder, "package.json"),
    JSON.stringify({
      name: "@fixtures/plugin-live",
      version,
      type: "module",
      private: true,
      roa2web: {
        name: "live",
        entry: "dist/plugin.js",
        kernel: "^0.1.0",
        prefix: "/api/live",
        permissions: {},
        ui: {
          tag: "live-app",
          module: "dist/ui/live-app.js",
          titles: { ro: "Vitrină", en: "Showcase" },
        },
      },
    }),
  );
  writeFileSync(
    path.join(folder, "dist", "plugin.js"),
    'import { definePlugin } from "@roa2web/plugin-sdk";\nexport default definePlugin({ deps: {} });\n',
  );
  writeFileSync(
    path.join(folder, "dist", "ui", "live-app.js"),
    `import { html, LitElement, PluginElement } from "/shell/api.js";
class LiveBadge extends LitElement {
  render() { return html\`<span class="badge">${words.badge}</span>\`; }
}
if (!customElements.get("live-badge")) customElements.define("live-badge", LiveBadge);
class LiveApp extends PluginElement {
  render() {
    return html\`<h1>${words.title}</h1><p>traseu: <output>\${this.route}</output></p><live-badge></live-badge>\`;
  }
}
if (!customElements.get("live-app")) customElements.define("live-app", LiveApp);
`,
  );
  const out = path.join(home, "packages", version);
  return execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, "kernel/core/dist/main.js"), "plugin", "pack", folder, "--out", out],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  ).trim();
}

const files: Record<string, string> = {};
beforeAll(() => {
  files.v1 = packVersion("1.0.0", { title: "Vitrina, versiunea unu", badge: "insigna unu" });
  files.v2 = packVersion("1.1.0", { title: "Vitrina, versiunea doi", badge: "insigna doi" });
}, 60_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A kernel and browser for one describe block, and an install through the admin API. */
function serverFor(variables: Record<string, string>) {
  const server = { env: undefined as unknown as BrowserEnv, token: "" };
  beforeAll(async () => {
    server.env = await startBrowserEnv({ withFixtures: false, env: variables });
    server.token = await server.env.kernel.login();
  }, 180_000);
  afterAll(async () => {
    await server.env?.close();
  });
  const install = async (file: string) => {
    const form = new FormData();
    form.append("file", new Blob([readFileSync(file)]), path.basename(file));
    const response = await fetch(`${server.env.baseUrl}/api/kernel/plugins/packages`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}` },
      body: form,
    });
    expect(response.status).toBe(200);
  };
  return { server, install };
}

const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

describeBrowser("a plugin's page follows a new version (development)", { timeout: 120_000 }, () => {
  const { server, install } = serverFor({});

  it("shows the new version's texts in the open page, signed in and on the same route", async () => {
    await install(files.v1 as string);
    const { env, token } = server;
    const page = await env.newPage();
    await signIn(page, "/live/vitrina-mare");
    await page.getByRole("heading", { name: "Vitrina, versiunea unu" }).waitFor();
    await page.getByText("insigna unu").waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    await install(files.v2 as string);
    await page.getByRole("heading", { name: "Vitrina, versiunea doi" }).waitFor();
    await page.getByText("insigna doi").waitFor();
    expect(await page.getByText("insigna unu").count()).toBe(0);
    expect(await page.locator("live-app output").textContent()).toBe("vitrina-mare");
    expect(new URL(page.url()).pathname).toBe("/live/vitrina-mare");
    expect(await sameDocument(page)).toBe(true);
    await page.getByRole("button", { name: "Ieșire" }).waitFor();
    // Development: the new UI is simply there, no notice asks for a reload.
    expect(await page.getByText("Există o versiune nouă").count()).toBe(0);
    await screenshot(page, "live-reload-new-version");

    // Turned off while open: the page says so, still without a reload.
    const disabled = await fetch(`${env.baseUrl}/api/kernel/plugins/live/disable`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(disabled.status).toBe(200);
    await page.getByText("Modulul „Vitrină” nu mai este activ.").waitFor();
    expect(await sameDocument(page)).toBe(true);
  });
});

describeBrowser("a new version while a page is open (notice)", { timeout: 120_000 }, () => {
  const { server, install } = serverFor({ PLUGIN_UI_RELOAD: "notice" });

  it("keeps the page as it is and offers a reload that opens the new version", async () => {
    await install(files.v1 as string);
    const page = await server.env.newPage();
    await signIn(page, "/live/vitrina-mare");
    await page.getByRole("heading", { name: "Vitrina, versiunea unu" }).waitFor();
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    await install(files.v2 as string);
    const notice = page.getByRole("status").filter({ hasText: "Există o versiune nouă" });
    await notice.getByText("Există o versiune nouă a modulului „Vitrină”.").waitFor();
    // Nothing was yanked: the old version still serves the open page.
    expect(await page.getByRole("heading", { name: "Vitrina, versiunea unu" }).count()).toBe(1);
    expect(await sameDocument(page)).toBe(true);
    await screenshot(page, "live-reload-notice");

    await notice.getByRole("button", { name: "Reîncarcă pagina" }).click();
    await page.getByRole("heading", { name: "Vitrina, versiunea doi" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/live/vitrina-mare");
    await page.getByRole("button", { name: "Ieșire" }).waitFor(); // still signed in
    expect(await page.getByText("Există o versiune nouă").count()).toBe(0);
  });
});
