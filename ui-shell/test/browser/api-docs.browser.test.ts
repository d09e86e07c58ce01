/**
 * The OpenAPI page (`/api/docs`, @fastify/swagger-ui) in Chromium: it renders every
 * operation without a console error (a Content-Security-Policy violation shows up as one),
 * and the sign-in and health operations carry no lock (they need no token).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BrowserEnv, describeBrowser, screenshot, startBrowserEnv } from "./harness.js";

let env: BrowserEnv;

describeBrowser("the API docs page", () => {
  beforeAll(async () => {
    env = await startBrowserEnv({ withFixtures: false });
  }, 120_000);
  afterAll(async () => env?.close());

  it("renders the operations without console errors, and no lock on public routes", async () => {
    const page = await env.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    // swagger-ui's bundle is large: on a busy machine it takes a while to load and render.
    page.setDefaultTimeout(60_000);
    await page.goto("/api/docs", { waitUntil: "domcontentloaded" });
    const login = page.locator(".opblock", { hasText: "/api/auth/login" }).first();
    await login.waitFor();
    await page.locator(".opblock", { hasText: "/api/auth/me" }).first().waitFor();
    await screenshot(page, "api-docs");

    expect(problems).toEqual([]);
    const lockOf = (path: string) =>
      page
        .locator(".opblock", { has: page.locator(`[data-path="${path}"]`) })
        .first()
        .locator(".authorization__btn");
    for (const path of ["/api/auth/login", "/api/auth/refresh", "/health"]) {
      expect(await lockOf(path).count(), path).toBe(0);
    }
    expect(await lockOf("/api/auth/me").count()).toBe(1);
  }, 120_000);
});
