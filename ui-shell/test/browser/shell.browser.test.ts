/**
 * The shell in Chromium: sign-in and session, selectors remembered per user, deep
 * links, language, error boundaries around broken plugin UIs, the admin page turning
 * a plugin off and on, and an expired session.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type BrowserEnv,
  describeBrowser,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

let env: BrowserEnv;

const nav = (page: import("playwright-core").Page) =>
  page.getByRole("navigation", { name: "Module" });

describeBrowser("web shell", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    env = await startBrowserEnv();
  }, 120_000);
  afterAll(async () => env?.close());

  it("refuses a wrong password with a Romanian message, then signs in and lists the enabled plugins", async () => {
    const page = await env.newPage();
    await page.goto("/");
    await page.getByLabel("Utilizator").fill("demo");
    await page.getByLabel("Parolă").fill("wrong");
    await page.getByRole("button", { name: "Intră în cont" }).click();
    // The server's "Wrong user name or password", in the user's language.
    await page
      .getByRole("alert")
      .filter({ hasText: "Utilizatorul sau parola nu sunt corecte." })
      .waitFor();
    await screenshot(page, "shell-login-error");

    await page.getByLabel("Parolă").fill("demo");
    await page.getByRole("button", { name: "Intră în cont" }).click();
    await nav(page).waitFor();
    for (const name of ["Rapoarte", "Bonuri și facturi", "Telegram", "Administrare"]) {
      await expect(nav(page).getByRole("link", { name }).count()).resolves.toBe(1);
    }
    // The refresh token is an HttpOnly cookie: invisible to page scripts.
    expect(await page.evaluate(() => document.cookie)).not.toContain("roa2web_refresh");
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "roa2web_refresh")?.httpOnly).toBe(true);
    await screenshot(page, "shell-home");
  });

  it("lists a page that declares a permission only for users holding it; Telegram without a bot says so", async () => {
    await env.kernel.kernel.users.create({
      username: "reader-only",
      password: "reader-only-pass",
      permissions: ["data-entry:read"],
      companies: [1],
    });
    const reader = await env.newPage();
    await signIn(reader, "/", "reader-only", "reader-only-pass");
    await nav(reader).getByRole("link", { name: "Bonuri și facturi" }).waitFor();
    expect(await nav(reader).getByRole("link", { name: "Telegram" }).count()).toBe(0);
    expect(await reader.locator("main").getByText("Telegram").count()).toBe(0);

    // The demo user may link, but this server has no TELEGRAM_BOT_TOKEN: no code is offered.
    const admin = await env.newPage();
    await signIn(admin, "/telegram");
    const card = admin.getByTestId("bot-not-configured");
    await card.getByText("Botul de Telegram nu este configurat").waitFor();
    await card.getByText("TELEGRAM_BOT_TOKEN").waitFor();
    expect(await admin.getByRole("button", { name: "Generează cod de legare" }).count()).toBe(0);
    await admin.getByRole("combobox", { name: "Limba" }).selectOption("en");
    await card.getByText("The Telegram bot is not configured").waitFor();
    await screenshot(admin, "telegram-not-configured");
  });

  it("opens a deep link after sign-in and again after a reload", async () => {
    const page = await env.newPage();
    await signIn(page, "/telegram");
    expect(new URL(page.url()).pathname).toBe("/telegram");
    await page.getByRole("heading", { name: "Telegram" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Telegram" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/telegram");
    await expect(
      nav(page).getByRole("link", { name: "Telegram" }).getAttribute("aria-current"),
    ).resolves.toBe("page");
  });

  it("remembers the company and period per user across reloads", async () => {
    const page = await env.newPage();
    await signIn(page);
    const company = page.getByRole("combobox", { name: "Firmă" });
    const period = page.getByRole("combobox", { name: "Perioadă" });
    const options = await company
      .locator("option")
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThanOrEqual(2);
    const second = options[1] as string;
    await company.selectOption(second);
    await period.locator("option").nth(3).waitFor({ state: "attached" });
    const chosenPeriod = await period
      .locator("option")
      .nth(3)
      .evaluate((node) => (node as HTMLOptionElement).value);
    await period.selectOption(chosenPeriod);

    await page.reload();
    await nav(page).waitFor();
    await expect(page.getByRole("combobox", { name: "Firmă" }).inputValue()).resolves.toBe(second);
    await expect(page.getByRole("combobox", { name: "Perioadă" }).inputValue()).resolves.toBe(
      chosenPeriod,
    );
  });

  it("switches the labels to English and back", async () => {
    const page = await env.newPage();
    await signIn(page);
    await page.getByRole("combobox", { name: "Limba" }).selectOption("en");
    await page.getByRole("navigation", { name: "Modules" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("combobox", { name: "Company" }).waitFor();
    // Plugins' navigation labels come from their manifests, per language.
    await page
      .getByRole("navigation", { name: "Modules" })
      .getByRole("link", { name: "Reports" })
      .waitFor();
    await page.getByRole("combobox", { name: "Period" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    await page.getByRole("combobox", { name: "Language" }).selectOption("ro");
    await page.getByRole("button", { name: "Ieșire" }).waitFor();
  });

  it("contains a plugin whose UI throws while rendering or fails to load; the rest keeps working", async () => {
    const page = await env.newPage();
    await signIn(page);
    await nav(page).getByRole("link", { name: "Fixture broken-render" }).click();
    await page.getByText("Modulul „Fixture broken-render” a întâmpinat o eroare.").waitFor();
    await page.getByText("render failed on purpose").waitFor();
    await screenshot(page, "shell-error-boundary");
    // Retry renders it again (and it fails again, contained again).
    await page.getByRole("button", { name: "Reîncearcă" }).click();
    await page.getByText("Modulul „Fixture broken-render” a întâmpinat o eroare.").waitFor();

    await nav(page).getByRole("link", { name: "Fixture broken-load" }).click();
    await page.getByText("Modulul „Fixture broken-load” nu a putut fi încărcat.").waitFor();

    // Header, navigation and the other plugins still work.
    await nav(page).getByRole("link", { name: "Telegram" }).click();
    await page.getByRole("heading", { name: "Telegram" }).waitFor();
    await page.getByRole("combobox", { name: "Firmă" }).waitFor();
  });

  it("lets an administrator disable a plugin, which leaves the navigation, and enable it again", async () => {
    const page = await env.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await signIn(page, "/admin");
    await page.getByRole("heading", { name: "Administrare" }).waitFor();
    const row = page.locator("tr[data-plugin=telegram]");
    await row.getByRole("button", { name: "Dezactivează" }).click();
    await row.getByRole("button", { name: "Activează" }).waitFor();
    await nav(page).getByRole("link", { name: "Telegram" }).waitFor({ state: "detached" });
    await page.getByRole("heading", { name: "Stare sistem" }).waitFor();
    // The details only an administrator gets from /health?details=1 (the cache's counts),
    // as words in the user's language: named components, "key: value" lines, no JSON.
    const healthSection = page.locator("section[aria-labelledby=health-heading]");
    await healthSection.getByText("l1.maxEntries", { exact: true }).waitFor();
    await healthSection.getByText("Baza de date a nucleului").waitFor();
    expect(await healthSection.textContent()).not.toContain('{"');
    // The kernels sharing the database (one here), and the database as this one sees it.
    const kernels = page.locator("section[aria-labelledby=kernels-heading]");
    await kernels.getByRole("heading", { name: "Servere (nuclee)" }).waitFor();
    await kernels
      .getByText(/Baza de date: SQLite, răspunde în .* ms; scrierile sunt acceptate/)
      .waitFor();
    expect(await kernels.locator("tbody tr").count()).toBe(1);
    expect(await kernels.locator("tbody tr").textContent()).toContain("(acesta)");
    // Plugin descriptions in Romanian (the manifest's ui.descriptions), not the English one.
    const reportsRow = await page.locator("tr[data-plugin=reports]").textContent();
    expect(reportsRow).not.toContain("Dashboard, client and supplier invoices");
    await screenshot(page, "shell-admin");
    // Looking for new modules finds none here, and says so.
    await page.getByRole("button", { name: "Caută module noi" }).click();
    await page.getByText(/Module noi: niciunul/).waitFor();

    // A deep link to the disabled plugin says so instead of breaking.
    await page.goto("/telegram");
    await page.getByText("Modulul „Telegram” nu mai este activ.").waitFor();

    await page.goto("/admin");
    await page
      .locator("tr[data-plugin=telegram]")
      .getByRole("button", { name: "Activează" })
      .click();
    await nav(page).getByRole("link", { name: "Telegram" }).waitFor();
  });

  it("notices a plugin disabled elsewhere when the user navigates", async () => {
    const page = await env.newPage();
    await signIn(page, "/telegram");
    await page.getByRole("heading", { name: "Telegram" }).waitFor();
    const token = await env.kernel.login();
    const off = await env.kernel.inject({
      method: "POST",
      url: "/api/kernel/plugins/telegram/disable",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(off.statusCode).toBe(200);
    try {
      await nav(page).getByRole("link", { name: "Acasă" }).click();
      await nav(page).getByRole("link", { name: "Telegram" }).waitFor({ state: "detached" });
    } finally {
      await env.kernel.inject({
        method: "POST",
        url: "/api/kernel/plugins/telegram/enable",
        headers: { authorization: `Bearer ${token}` },
      });
    }
  });

  it("signs out, and sends an expired session back to the sign-in form with a message", async () => {
    const page = await env.newPage();
    await signIn(page);
    const logout = page.waitForRequest((request) => request.url().endsWith("/api/auth/logout"));
    await page.getByRole("button", { name: "Ieșire" }).click();
    await page.getByText("Ați ieșit din cont.").waitFor();
    // The access token went along and no longer works (not only the refresh cookie).
    const sent = (await logout).headers().authorization;
    expect(sent).toMatch(/^Bearer /);
    const stale = await env.kernel.inject({
      method: "GET",
      url: "/api/auth/me",
      headers: { authorization: sent as string },
    });
    expect(stale.statusCode).toBe(401);
    // The refresh cookie is revoked: a reload does not sign in again.
    await page.reload();
    await page.getByLabel("Utilizator").waitFor();

    await signIn(page);
    // The server now refuses every token and every refresh, as after an expiry.
    await page.route("**/api/**", (route) =>
      route.fulfill({
        status: 401,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "UNAUTHORIZED", message: "expired" } }),
      }),
    );
    await nav(page).getByRole("link", { name: "Telegram" }).click();
    await page.getByText("Sesiunea a expirat. Autentificați-vă din nou.").waitFor();
  });

  it("offers plugins a data table with a totals row and styles for their cells", async () => {
    const page = await env.newPage();
    await signIn(page);
    // A string, so the test runner does not rewrite the page's dynamic import.
    const result = (await page.evaluate(`(async () => {
      const shell = await import("/shell/api.js");
      const table = document.createElement("roa-data-table");
      table.columns = [
        { key: "name", label: "Name" },
        {
          key: "amount",
          label: "Amount",
          numeric: true,
          render: (row) => shell.html\`<span class="badge">\${row.amount}</span>\`,
        },
      ];
      table.rows = [{ name: "a", amount: 1 }, { name: "b", amount: 2 }];
      table.total = 2;
      table.totals = { name: "Total", amount: 3 };
      table.cellStyles = shell.css\`.badge { color: rgb(1, 2, 3); }\`;
      document.body.append(table);
      await table.updateComplete;
      const root = table.shadowRoot;
      return {
        footer: [...root.querySelectorAll("tfoot td")].map((cell) => cell.textContent.trim()),
        colour: getComputedStyle(root.querySelector(".badge")).color,
        pager: root.querySelector(".pager span").textContent,
      };
    })()`)) as { footer: string[]; colour: string; pager: string };
    expect(result.footer).toEqual(["Total", "3"]);
    expect(result.colour).toBe("rgb(1, 2, 3)");
    expect(result.pager).toBe("2 înregistrări");
  });

  it("fits a phone-sized screen with the menu behind a button", async () => {
    const page = await env.newPage({ width: 375, height: 740 });
    await signIn(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await page.getByRole("button", { name: "Meniu" }).click();
    await nav(page).getByRole("link", { name: "Telegram" }).click();
    await page.getByRole("heading", { name: "Telegram" }).waitFor();
    await screenshot(page, "shell-phone");
  });
});
