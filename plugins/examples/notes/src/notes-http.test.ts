/**
 * The smallest complete API test, the one "Testing your plugin" in
 * docs/plugin-authoring.md shows: sign in, call a route, a 403, the plugin's health.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// This package's folder: the kit reads its package.json and loads its built dist/.
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  .roa2web as { name: string };
let t: TestKernel;

beforeAll(async () => {
  t = await startTestKernel({ plugins: [packageRoot], env: { NOTES_DEFAULT_PAGE_SIZE: "5" } });
}, 60_000); // a kernel boots in a second or two; leave room on a busy machine
afterAll(async () => t?.close());

describe("notes over HTTP", () => {
  it("writes and lists a company's notes for a signed-in user", async () => {
    const token = await t.login(); // demo / demo: every permission, every company
    const created = await t.inject({
      method: "POST",
      url: "/api/notes",
      token,
      payload: { company_id: 1, title: "Call the bank" },
    });
    expect(created.statusCode).toBe(201);
    const list = await t.inject({ method: "GET", url: "/api/notes?company=1", token });
    expect(list.json()).toMatchObject({
      total: 1,
      page_size: 5,
      items: [{ title: "Call the bank" }],
    });
  });

  it("answers 403 to a user without the write permission", async () => {
    const reader = await t.createUser({ permissions: ["notes:read"], companies: [1] });
    const response = await t.inject({
      method: "POST",
      url: "/api/notes",
      token: reader.token,
      payload: { company_id: 1, title: "Not allowed" },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: "FORBIDDEN",
      details: { permission: "notes:write" },
    });
  });

  it("reports itself up in /health, with what its health hook returns", async () => {
    expect(await t.health(manifest.name)).toMatchObject({
      state: "enabled",
      status: "up",
      data: { total: 1 },
    });
  });
});
