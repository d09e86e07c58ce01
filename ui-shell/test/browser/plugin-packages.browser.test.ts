/**
 * The admin page installs a plugin package while the server runs (ADR 0024): the packed
 * notes example is uploaded through the form, shows up with its source, signature and
 * (new) permissions, opens in the navigation, and is removed again — on a phone too.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type BrowserEnv,
  describeBrowser,
  REPO_ROOT,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

let env: BrowserEnv;
let packageFile: string;
let upgradeFile: string;
const out = mkdtempSync(path.join(os.tmpdir(), "roa2web-ui-package-"));
const NOTES = path.join(REPO_ROOT, "plugins/examples/notes");

/** `roa2web plugin pack <dir>`, as an author runs it; the package's path. */
function pack(dir: string): string {
  return execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, "kernel/core/dist/main.js"), "plugin", "pack", dir, "--out", out],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  ).trim();
}

describeBrowser("plugin packages on the admin page", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    packageFile = pack(NOTES);
    // The same build as version 0.2.0 (a copy of its package.json and dist).
    const copy = path.join(out, "notes-0.2.0");
    cpSync(path.join(NOTES, "dist"), path.join(copy, "dist"), { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(NOTES, "package.json"), "utf8"));
    writeFileSync(
      path.join(copy, "package.json"),
      JSON.stringify({ ...manifest, version: "0.2.0" }),
    );
    upgradeFile = pack(copy);
    env = await startBrowserEnv({ withFixtures: false });
  }, 180_000);
  afterAll(async () => {
    await env?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it("uploads a package, shows its source, signature and new permissions, then removes it", async () => {
    const page = await env.newPage({ width: 390, height: 844 });
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      // Remove: yes; delete its data too: no.
      void (dialog.message().includes("Ștergeți și datele") ? dialog.dismiss() : dialog.accept());
    });
    await signIn(page, "/admin");
    const upload = page.locator("section[aria-labelledby=packages-heading]");
    await upload.getByLabel("Pachet (.roa2web.tgz)").setInputFiles(packageFile);
    await upload.getByRole("button", { name: "Instalează" }).click();
    await page.getByText("notes 0.1.0: instalat").waitFor();
    const row = page.locator("tr[data-plugin=notes]");
    await row.getByText("pachet instalat").waitFor();
    await row.getByText("nesemnat").waitFor();
    // Permissions the package brings are marked new until the page is left.
    const fresh = row.locator("li.new");
    await expect(fresh.count()).resolves.toBe(2);
    expect(await fresh.first().textContent()).toContain("notes:read");
    await row.getByText("notes.count 1.0.0").waitFor();
    // Unsigned is allowed in development, with a warning shown.
    await page.getByText("Atenționări: unsigned package (allowed in development)").waitFor();
    expect(dialogs[0]).toContain("Instalați pachetul");
    // It fits the phone's width: nothing wider than the viewport but the table's own box.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "admin-package-installed-phone");

    // The installed plugin is in the navigation and answers.
    const token = await env.kernel.login();
    const notes = await fetch(`${env.baseUrl}/api/notes?company=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(notes.status).not.toBe(404);

    // Upgrade from the row: pick the file, confirm; the row shows the new version.
    const chooser = page.waitForEvent("filechooser");
    await row.getByRole("button", { name: "Versiune nouă" }).click();
    await (await chooser).setFiles(upgradeFile);
    await page.getByText("notes 0.2.0: actualizat").waitFor();
    await row.getByText("versiunea păstrată pentru revenire: 0.1.0").waitFor();
    expect(dialogs.some((message) => message.includes("Actualizați modulul „Notițe”"))).toBe(true);

    await row.getByRole("button", { name: "Elimină" }).click();
    await page.getByText("Modulul „Notițe” a fost eliminat.").waitFor();
    await row.waitFor({ state: "detached" });
    const gone = await fetch(`${env.baseUrl}/api/notes?company=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(gone.status).toBe(404);
  });
});
