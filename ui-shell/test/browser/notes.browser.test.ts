/**
 * The example plugin's UI (plugins/examples/notes) in Chromium, as an outside author's
 * copy would run: opened from the navigation, a note refused by the server with its
 * message, added, listed per company, deleted after a confirmation; the page kept in
 * the address; the language picker; a phone-sized screen. The kernel is not told about
 * plugins/examples by default, so PLUGINS_DIR points at it (replacing the shell's UI
 * fixtures, which this file does not need).
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inject, REPO_ROOT } from "../../../kernel/core/test/helpers/test-kernel.js";
import {
  type BrowserEnv,
  describeBrowser,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

const EXAMPLES = path.join(REPO_ROOT, "plugins", "examples");
const EMPTY = "Nu există încă nicio notiță pentru această firmă.";
const TITLE = "Sunați la bancă";
const BODY = "Extrasul din octombrie lipsește.";
const PAGE_SIZE = 5;

let env: BrowserEnv;

const nav = (page: Page) => page.getByRole("navigation", { name: "Module" });

async function callApi(method: "GET" | "POST" | "DELETE", url: string, payload?: object) {
  const token = await env.kernel.login();
  return inject(env.kernel.kernel, {
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}

async function notesOfCompany(company: number): Promise<Array<{ id: number; title: string }>> {
  const response = await callApi("GET", `/api/notes?company=${company}&page_size=100`);
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

describeBrowser("notes example plugin UI", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    // Pages of 5 notes, so a second page takes six.
    env = await startBrowserEnv({
      env: { PLUGINS_DIR: EXAMPLES, NOTES_DEFAULT_PAGE_SIZE: String(PAGE_SIZE) },
    });
    const notes = env.kernel.kernel.plugins.get("notes");
    if (notes?.state !== "enabled") {
      throw new Error(
        `the notes plugin did not start (is plugins/examples/notes built?): ${JSON.stringify(notes?.failure ?? notes?.state)}`,
      );
    }
  }, 120_000);
  afterAll(async () => env?.close());

  it("adds a note, shows the server's validation message, lists it per company and deletes it", async () => {
    const page = await env.newPage();
    await signIn(page);
    await nav(page).getByRole("link", { name: "Notițe" }).click();
    await page.getByRole("heading", { name: "Notițe", level: 1 }).waitFor();
    await page.getByText(EMPTY).waitFor();
    const company = page.getByRole("combobox", { name: "Firmă" });
    const firstCompany = Number(await company.inputValue());

    // A title of spaces passes the browser's `required`; the server refuses it.
    const title = page.getByLabel("Titlu");
    await title.fill("   ");
    await page.getByRole("button", { name: "Adaugă notița" }).click();
    // In the user's language, with the server's rule and the request id for support.
    const problem = page.locator("notes-form #title-problem");
    await problem.filter({ hasText: "Câmpul „Titlu” nu este completat corect." }).waitFor();
    expect(await problem.textContent()).toMatch(
      /Detalii: body\.title must not be blank · Cod cerere: \S+/,
    );
    await expect(title.getAttribute("aria-invalid")).resolves.toBe("true");

    await title.fill(TITLE);
    await page.getByLabel("Text (opțional)").fill(BODY);
    await page.getByRole("button", { name: "Adaugă notița" }).click();
    await page.getByRole("cell", { name: new RegExp(`^${TITLE}`) }).waitFor();
    await page.getByText(BODY).waitFor();
    await page.getByText("body.title must not be blank").waitFor({ state: "detached" });
    await expect(title.inputValue()).resolves.toBe("");
    expect((await notesOfCompany(firstCompany)).map((note) => note.title)).toEqual([TITLE]);

    // The list follows the header's company.
    const options = await company
      .locator("option")
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLOptionElement).value));
    const other = options.find((value) => Number(value) !== firstCompany) as string;
    await company.selectOption(other);
    await page.getByText(EMPTY).waitFor();
    await company.selectOption(String(firstCompany));
    await page.getByRole("cell", { name: new RegExp(`^${TITLE}`) }).waitFor();
    await screenshot(page, "notes");

    const dialogs: string[] = [];
    page.once("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.getByRole("button", { name: `Șterge notița „${TITLE}”` }).click();
    await page.getByText(EMPTY).waitFor();
    expect(dialogs).toEqual([`Ștergeți notița „${TITLE}”? Ștergerea nu poate fi anulată.`]);
    await expect(notesOfCompany(firstCompany)).resolves.toEqual([]);
  });

  it("keeps the page in the address, and steps back when a page's last note is deleted", async () => {
    const page = await env.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await signIn(page, "/notes");
    const company = Number(await page.getByRole("combobox", { name: "Firmă" }).inputValue());
    // Newest first: "Notița 1" (the oldest) alone on page 2.
    for (let number = 1; number <= PAGE_SIZE + 1; number++) {
      const created = await callApi("POST", "/api/notes", {
        company_id: company,
        title: `Notița ${number}`,
      });
      expect(created.statusCode).toBe(201);
    }
    try {
      await page.reload();
      await page.getByRole("cell", { name: `Notița ${PAGE_SIZE + 1}`, exact: true }).waitFor();
      await page.getByRole("button", { name: "Pagina următoare" }).click();
      await page.getByRole("cell", { name: "Notița 1", exact: true }).waitFor();
      expect(new URL(page.url()).search).toBe("?page=2");

      await page.reload();
      await page.getByRole("cell", { name: "Notița 1", exact: true }).waitFor();
      await expect(page.getByText("Pagina 2 din 2").count()).resolves.toBe(1);

      await page.getByRole("button", { name: "Șterge notița „Notița 1”" }).click();
      await page.getByText("Pagina 1 din 1").waitFor();
      await page.getByRole("cell", { name: "Notița 2", exact: true }).waitFor();
      expect(new URL(page.url()).search).toBe("");
    } finally {
      for (const note of await notesOfCompany(company)) {
        await callApi("DELETE", `/api/notes/${note.id}`);
      }
    }
  });

  it("follows the shell's language picker, the form's labels included", async () => {
    const page = await env.newPage();
    await signIn(page, "/notes");
    await page.getByLabel("Titlu").waitFor();
    await page.getByRole("combobox", { name: "Limba" }).selectOption("en");
    await page.getByRole("heading", { name: "Notes", level: 1 }).waitFor();
    await page.getByLabel("Title", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Add the note" }).waitFor();
    await page.getByText("There is no note for this company yet.").waitFor();
    await page.getByRole("combobox", { name: "Language" }).selectOption("ro");
    await page.getByLabel("Titlu").waitFor();
  });

  it("opens from a deep link on a phone-sized screen without scrolling sideways", async () => {
    const page = await env.newPage({ width: 375, height: 740 });
    await signIn(page, "/notes");
    await page.getByRole("heading", { name: "Notițe", level: 1 }).waitFor();
    await page.getByLabel("Titlu").waitFor();
    await page.getByText(EMPTY).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await screenshot(page, "notes-phone");
  });
});
