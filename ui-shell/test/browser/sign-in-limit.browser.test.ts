/**
 * The sign-in page after too many failed attempts: it says how long to wait (from the
 * server's Retry-After), in Romanian and English, against a kernel whose per-account
 * back-off starts after one failure.
 */
import { afterAll, beforeAll, it } from "vitest";
import { type BrowserEnv, describeBrowser, screenshot, startBrowserEnv } from "./harness.js";

let env: BrowserEnv;

describeBrowser("sign-in page after too many failures", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    env = await startBrowserEnv({
      withFixtures: false,
      env: { LOGIN_ACCOUNT_FREE_ATTEMPTS: "1", LOGIN_ACCOUNT_BACKOFF_MS: "60000" },
    });
    for (const username of ["radu", "rose"]) {
      await env.kernel.kernel.users.create({
        username,
        password: "the-right-password",
        permissions: ["reports:read"],
        companies: "*",
      });
    }
  }, 120_000);
  afterAll(async () => env?.close());

  const tryTwice = async (
    page: import("playwright-core").Page,
    username: string,
    labels: { user: string; password: string; submit: string },
  ) => {
    await page.goto("/");
    await page.getByLabel(labels.user).fill(username);
    await page.getByLabel(labels.password).fill("a-wrong-guess");
    await page.getByRole("button", { name: labels.submit }).click();
    await page.getByRole("alert").waitFor();
    // The right password, but within the account's back-off: the page says how long.
    await page.getByLabel(labels.password).fill("the-right-password");
    await page.getByRole("button", { name: labels.submit }).click();
  };

  it("says in Romanian how long to wait", async () => {
    const page = await env.newPage();
    await tryTwice(page, "radu", {
      user: "Utilizator",
      password: "Parolă",
      submit: "Intră în cont",
    });
    await page
      .getByRole("alert")
      .filter({ hasText: /^Prea multe încercări\. Încercați din nou peste \d+ de secunde\.$/ })
      .waitFor();
    await screenshot(page, "shell-login-too-many-ro");
  });

  it("says in English how long to wait", async () => {
    const page = await env.newPage();
    await page.addInitScript(() => localStorage.setItem("roa2web:locale", "en"));
    await tryTwice(page, "rose", { user: "User name", password: "Password", submit: "Sign in" });
    await page
      .getByRole("alert")
      .filter({ hasText: /^Too many attempts\. Try again in \d+ seconds\.$/ })
      .waitFor();
  });
});
