/**
 * Every page on a phone (360 and 390 px) and a desktop, in Romanian and English: no
 * sideways page scroll, a wide report table that scrolls inside itself with its first
 * column kept in view and a cue that more columns exist, the receipts as cards, the
 * report tabs on screen, the camera first on a phone's new receipt, and a document
 * title that names the page. Screenshots: test-artifacts/screenshots/phone-*.png.
 * Build first (pnpm build).
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { recentWeekday } from "./data-entry-helpers.js";
import {
  type BrowserEnv,
  describeBrowser,
  REPO_ROOT,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

const EXAMPLES = path.join(REPO_ROOT, "plugins", "examples");
const WIDTHS = [360, 390, 1280] as const;
const LOCALES = ["ro", "en"] as const;
type Locale = (typeof LOCALES)[number];

let env: BrowserEnv;
const receipts = { draft: 0, pending: 0, approved: 0 };
/** The company the shell opens with for the demo user (the first of theirs). */
let company = 0;

interface Visit {
  name: string;
  path: () => string;
  title: Record<Locale, string> | ((locale: Locale) => string);
  /** A selector (piercing shadow roots) that shows the page has its data. */
  ready: string;
}

const VISITS: Visit[] = [
  {
    name: "home",
    path: () => "/",
    title: { ro: "Acasă", en: "Home" },
    ready: ".plugins .card",
  },
  {
    name: "dashboard",
    path: () => "/reports",
    title: { ro: "Tablou de bord", en: "Dashboard" },
    ready: '[data-kpi="revenue"] .value',
  },
  {
    name: "invoices-clients",
    path: () => "/reports/invoices",
    title: { ro: "Facturi clienți", en: "Client invoices" },
    ready: "reports-invoices roa-data-table tbody td.num",
  },
  {
    name: "invoices-suppliers",
    path: () => "/reports/invoices?type=supplier",
    title: { ro: "Facturi furnizori", en: "Supplier invoices" },
    ready: "reports-invoices roa-data-table tbody td.num",
  },
  {
    name: "aging",
    path: () => "/reports/aging",
    title: { ro: "Vechimea soldurilor", en: "Aging" },
    ready: "reports-aging tbody td.num",
  },
  {
    name: "treasury",
    path: () => "/reports/treasury",
    title: { ro: "Trezorerie", en: "Treasury" },
    ready: "reports-treasury roa-data-table tbody td.num",
  },
  {
    name: "trial-balance",
    path: () => "/reports/trial-balance",
    title: { ro: "Balanță de verificare", en: "Trial balance" },
    ready: "reports-trial-balance tbody td.num",
  },
  {
    name: "receipts",
    // Every period: the receipts made for this test are dated a week back, which may be
    // another month than the header's.
    path: () => "/data-entry?periods=all",
    title: { ro: "Bonuri și facturi", en: "Receipts and invoices" },
    ready: "data-entry-receipts roa-data-table tbody td:not(.state)",
  },
  {
    name: "receipt-new",
    path: () => "/data-entry/new",
    title: { ro: "Bon nou", en: "New receipt" },
    ready: "data-entry-attachments",
  },
  {
    name: "receipt-draft",
    path: () => `/data-entry/receipts/${receipts.draft}`,
    title: (locale) =>
      locale === "ro" ? `Bonul nr. ${receipts.draft}` : `Receipt no. ${receipts.draft}`,
    ready: "data-entry-receipt header .badge",
  },
  {
    name: "receipt-pending",
    path: () => `/data-entry/receipts/${receipts.pending}`,
    title: (locale) =>
      locale === "ro" ? `Bonul nr. ${receipts.pending}` : `Receipt no. ${receipts.pending}`,
    ready: "data-entry-receipt header .badge",
  },
  {
    name: "receipt-approved",
    path: () => `/data-entry/receipts/${receipts.approved}`,
    title: (locale) =>
      locale === "ro" ? `Bonul nr. ${receipts.approved}` : `Receipt no. ${receipts.approved}`,
    ready: "data-entry-receipt header .badge",
  },
  {
    name: "admin",
    path: () => "/admin",
    title: { ro: "Administrare", en: "Administration" },
    ready: "roa-admin tbody td",
  },
  {
    name: "telegram",
    path: () => "/telegram",
    title: { ro: "Telegram", en: "Telegram" },
    ready: "telegram-app h1",
  },
  {
    name: "notes",
    path: () => "/notes",
    title: { ro: "Notițe", en: "Notes" },
    ready: "notes-app h1",
  },
  {
    name: "not-found",
    path: () => "/no-such-page",
    title: { ro: "Pagină negăsită", en: "Page not found" },
    ready: "roa-error-card h2",
  },
  {
    name: "reports-not-found",
    path: () => "/reports/no-such-report",
    title: { ro: "Pagină negăsită", en: "Page not found" },
    ready: "reports-app roa-error-card h2",
  },
];

async function callApi(token: string, method: "POST", url: string, payload?: object) {
  const response = await env.kernel.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json() as { id: number };
}

/** A receipt moved through the workflow by API: a clerk types it, an approver approves. */
async function receiptIn(status: "DRAFT" | "PENDING" | "APPROVED"): Promise<number> {
  const clerk = await env.kernel.login("phone-clerk", "phone-clerk-pass");
  const { id } = await callApi(clerk, "POST", "/api/data-entry/receipts", {
    company_id: company,
    merchant: "Societatea Comercială de Distribuție Carburanți și Lubrifianți OMV Petrom",
    tax_id: "RO1590082",
    // A day in an open accounting period: the approved receipt must be approvable.
    date: recentWeekday(),
    total: 1234567.89,
    vat: 197110.25,
    currency: "RON",
  });
  if (status === "DRAFT") return id;
  await callApi(clerk, "POST", `/api/data-entry/receipts/${id}/entries/propose`, {});
  await callApi(clerk, "POST", `/api/data-entry/receipts/${id}/submit`);
  if (status === "APPROVED") {
    const approver = await env.kernel.login("phone-approver", "phone-approver-pass");
    await callApi(approver, "POST", `/api/data-entry/receipts/${id}/approve`);
  }
  return id;
}

/** How far the page (root and body) is wider than the window, 0 when it fits. */
function pageOverflow(page: Page) {
  return page.evaluate(() => ({
    root: document.documentElement.scrollWidth - window.innerWidth,
    body: document.body.scrollWidth - window.innerWidth,
  }));
}

/**
 * The innermost elements (shadow roots included) that reach past the window's right
 * edge, to name the culprit in a failure: `tag.class` chains, a few of them.
 */
function widestElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot, trail: string) => {
      for (const element of root.querySelectorAll("*")) {
        const name = `${trail}${element.tagName.toLowerCase()}${element.classList.length ? `.${[...element.classList].join(".")}` : ""}`;
        if (element.shadowRoot) visit(element.shadowRoot, `${name} » `);
        const box = element.getBoundingClientRect();
        if (box.right > window.innerWidth + 1 && box.width > 0) {
          const inner = [...element.children].some(
            (child) => child.getBoundingClientRect().right > window.innerWidth + 1,
          );
          if (!inner && !element.shadowRoot) found.push(`${name} (${Math.round(box.right)}px)`);
        }
      }
    };
    visit(document, "");
    return found.slice(0, 4);
  });
}

/**
 * The document title once it is `expected`, or what it still is when it does not become
 * that (the title follows the page's render, a moment after the address changes).
 */
async function titleOf(page: Page, expected: string): Promise<string> {
  await page
    .waitForFunction((title) => document.title === title, expected, { timeout: 5_000 })
    .catch(() => undefined);
  return page.title();
}

/** Signs in through the form in the page's language. */
async function signInIn(page: Page, locale: Locale): Promise<void> {
  await page.goto("/login");
  if (locale === "ro") {
    await signIn(page);
  } else {
    await page.getByLabel("User name").fill("demo");
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  }
}

describeBrowser("every page on a phone", () => {
  beforeAll(async () => {
    env = await startBrowserEnv({ withFixtures: false, pluginFolders: [EXAMPLES] });
    const me = await env.kernel.inject({
      method: "GET",
      url: "/api/auth/me",
      headers: { authorization: `Bearer ${await env.kernel.login()}` },
    });
    company = (me.json() as { companies: Array<{ id: number }> }).companies[0]?.id ?? 0;
    for (const [username, permissions] of [
      ["phone-clerk", ["data-entry:read", "data-entry:write"]],
      ["phone-approver", ["data-entry:read", "data-entry:approve"]],
    ] as const) {
      await env.kernel.kernel.users.create({
        username,
        password: `${username}-pass`,
        permissions: [...permissions],
        companies: [company],
      });
    }
    receipts.draft = await receiptIn("DRAFT");
    receipts.pending = await receiptIn("PENDING");
    receipts.approved = await receiptIn("APPROVED");
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  for (const locale of LOCALES) {
    it(`fits every page at ${WIDTHS.join(", ")} px and names it in the title (${locale})`, async () => {
      const page = await env.newPage({ width: WIDTHS[0], height: 740 });
      // The sign-in page, before any session.
      await page.context().addInitScript((code) => {
        localStorage.setItem("roa2web:locale", code);
      }, locale);
      const problems: string[] = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 740 });
        await page.goto("/login");
        await page
          .getByRole("heading", { name: locale === "ro" ? "Autentificare" : "Sign in" })
          .waitFor();
        const signInTitle = locale === "ro" ? "Autentificare — roa2web" : "Sign in — roa2web";
        const actual = await titleOf(page, signInTitle);
        if (actual !== signInTitle)
          problems.push(`sign-in: title "${actual}", not "${signInTitle}"`);
        const overflow = await pageOverflow(page);
        if (overflow.root > 0 || overflow.body > 0) {
          problems.push(`sign-in at ${width}px: ${JSON.stringify(overflow)}`);
        }
        if (width < 1000) await screenshot(page, `phone-${width}-${locale}-sign-in`);
      }
      await signInIn(page, locale);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 740 });
        for (const visit of VISITS) {
          await page.goto(visit.path());
          const name =
            typeof visit.title === "function" ? visit.title(locale) : visit.title[locale];
          const title = `${name} — roa2web`;
          const actual = await titleOf(page, title);
          if (actual !== title) problems.push(`${visit.name}: title "${actual}", not "${title}"`);
          await page.locator(visit.ready).first().waitFor();
          const overflow = await pageOverflow(page);
          if (overflow.root > 0 || overflow.body > 0) {
            problems.push(
              `${visit.name} at ${width}px: ${JSON.stringify(overflow)} ${(await widestElements(page)).join(", ")}`,
            );
          }
          if (visit.name === "receipts" && width < 1000) {
            // The receipts read as cards on a phone: each value beside its column's name.
            const card = await page
              .locator("data-entry-receipts roa-data-table tbody tr")
              .first()
              .evaluate((row) => ({
                display: getComputedStyle(row).display,
                label: getComputedStyle(row.querySelector("td") as Element, "::before").content,
              }));
            if (card.display !== "block" || card.label === "none") {
              problems.push(`receipts at ${width}px: not cards ${JSON.stringify(card)}`);
            }
          }
          if (visit.name === "dashboard") {
            // Every report tab on screen, none past the edge.
            const tabs = await page.locator("reports-app nav a").evaluateAll((links) =>
              links.map((link) => ({
                text: link.textContent?.trim() ?? "",
                right: link.getBoundingClientRect().right,
              })),
            );
            expect(tabs).toHaveLength(5);
            for (const tab of tabs.filter((candidate) => candidate.right > width)) {
              problems.push(`report tab "${tab.text}" at ${width}px ends at ${tab.right}px`);
            }
          }
          if (width < 1000 || visit.name === "invoices-clients") {
            await screenshot(page, `phone-${width}-${locale}-${visit.name}`);
          }
        }
      }
      expect(problems).toEqual([]);
    }, 600_000);
  }

  it("keeps a wide table's first column in view, with a cue while more columns are off screen", async () => {
    const page = await env.newPage({ width: 360, height: 740 });
    await signIn(page, "/reports/invoices");
    const table = page.locator("reports-invoices roa-data-table");
    await table.locator("tbody td.num").first().waitFor();
    const scroller = table.locator("roa-table-scroll");
    // More columns to the right: said by the cue, none to the left yet.
    await page.locator("reports-invoices roa-table-scroll[overflow-end]").waitFor();
    expect(await scroller.getAttribute("overflow-start")).toBeNull();

    const firstCell = table.locator("tbody tr").first().locator("td").first();
    const name = (await firstCell.textContent())?.trim() ?? "";
    expect(name).not.toBe("");
    // The amount users look for is off screen before scrolling...
    const outstanding = table.locator("thead th", { hasText: "Rest de plată" });
    expect((await outstanding.boundingBox())?.x ?? 0).toBeGreaterThan(360);

    // The table's first rows on screen (it starts below the filters).
    const top = (await firstCell.boundingBox())?.y ?? 0;
    await page.evaluate((y) => window.scrollBy(0, y), top - 200);
    await scroller.evaluate((element) => {
      const box = element.shadowRoot?.querySelector(".scroll") as HTMLElement;
      box.scrollLeft = box.scrollWidth;
    });
    await page.locator("reports-invoices roa-table-scroll[overflow-start]").waitFor();
    expect(await scroller.getAttribute("overflow-end")).toBeNull();
    // ...and on screen after, with the row's name still beside it.
    const amount = await outstanding.boundingBox();
    expect((amount?.x ?? 0) + (amount?.width ?? 0)).toBeLessThanOrEqual(360);
    const cell = await firstCell.boundingBox();
    const box = await scroller.boundingBox();
    expect(cell?.x).toBeGreaterThanOrEqual(box?.x ?? Number.NaN);
    expect((cell?.x ?? 0) + (cell?.width ?? 0)).toBeLessThan((box?.x ?? 0) + (box?.width ?? 0) / 2);
    // Nothing was scrolled over it: the first cell is what the browser finds there.
    const atCell = await page.evaluate(
      ({ x, y }) => {
        let element = document.elementFromPoint(x, y);
        while (element?.shadowRoot) {
          const inner = element.shadowRoot.elementFromPoint(x, y);
          if (!inner || inner === element) break;
          element = inner;
        }
        return element?.closest("td")?.textContent?.trim() ?? "";
      },
      { x: (cell?.x ?? 0) + 4, y: (cell?.y ?? 0) + (cell?.height ?? 0) / 2 },
    );
    await screenshot(page, "phone-360-ro-invoices-scrolled");
    expect(atCell).toBe(name);
    const after = await pageOverflow(page);
    expect(after.root).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-360-ro-invoices-scrolled");
  }, 60_000);

  it("leads the phone's new receipt with the camera, a file second, no drag-and-drop text", async () => {
    const page = await env.newPage({ width: 390, height: 740 });
    await page.context().addInitScript(() => {
      localStorage.setItem("roa2web:locale", "ro");
    });
    await signIn(page, "/data-entry/new");
    const attachments = page.locator("data-entry-attachments");
    const camera = attachments.getByRole("button", { name: "Fă o poză" });
    await camera.waitFor();
    expect(
      await attachments.locator("input.capture").evaluate((input) => ({
        capture: input.getAttribute("capture"),
        accept: input.getAttribute("accept"),
      })),
    ).toEqual({ capture: "environment", accept: "image/*" });
    const choose = attachments.getByRole("button", { name: "Alege fișier" });
    const cameraBox = await camera.boundingBox();
    const chooseBox = await choose.boundingBox();
    // First, above the form, and a big target.
    expect(cameraBox?.y ?? 0).toBeLessThan(chooseBox?.y ?? 0);
    expect(cameraBox?.y ?? 0).toBeLessThan(
      (await page.getByLabel("Furnizor").boundingBox())?.y ?? 0,
    );
    expect(cameraBox?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(cameraBox?.width ?? 0).toBeGreaterThan(390 / 2);
    expect(
      await attachments.getByText("Trageți aici poze sau PDF-uri ale bonului").isVisible(),
    ).toBe(false);
    await screenshot(page, "phone-390-ro-receipt-camera");

    // A desktop with a mouse: the drop zone's text, no camera button.
    await page.setViewportSize({ width: 1280, height: 800 });
    await attachments.getByText("Trageți aici poze sau PDF-uri ale bonului").waitFor();
    expect(await camera.isVisible()).toBe(false);
  }, 60_000);
});
