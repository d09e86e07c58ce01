/**
 * The plugin served by a real kernel (`@roa2web/kernel/testing`): temp SQLite files,
 * the demo ERP, and this package as the only plugin. The kernel loads the BUILT plugin
 * (dist/), which `pnpm test` builds before vitest runs.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import type { AuthUser, Permission } from "@roa2web/plugin-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NoteCreated, noteCount, noteCreated } from "./contract.js";
import { CreateNotes1763900000000 } from "./migrations/1763900000000-create-notes.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const packageJson = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
  roa2web: { name: string; entry: string; prefix: string; ui: { tag: string; module: string } };
};
const manifest = packageJson.roa2web;
const api = manifest.prefix;
const read = `${manifest.name}:read` as Permission;
const write = `${manifest.name}:write` as Permission;

/** A signed-in user as another plugin's service call carries it. */
const userWith = (permissions: Permission[], companies: AuthUser["companies"]): AuthUser => ({
  id: 900,
  username: "consumer-user",
  displayName: "Consumer User",
  permissions,
  companies,
});
const everything = userWith(["*:*"], "*");

let t: TestKernel;
const tokens: Record<"admin" | "reader" | "writer", string> = { admin: "", reader: "", writer: "" };

beforeAll(async () => {
  for (const file of [manifest.entry, manifest.ui.module]) {
    if (!existsSync(path.join(packageRoot, file))) {
      throw new Error(
        `${file} is missing: the kernel loads the built plugin. Run \`pnpm --filter ${packageJson.name} run build\` or \`pnpm test\` (which builds first).`,
      );
    }
  }
  // Throws, naming the step and the reason, unless the plugin reaches "enabled".
  t = await startTestKernel({ plugins: [packageRoot] });
  tokens.admin = await t.login();
  const reader = await t.createUser({ username: "reader", permissions: [read], companies: [1] });
  const writer = await t.createUser({
    username: "writer",
    permissions: [read, write],
    companies: [1],
  });
  tokens.reader = reader.token;
  tokens.writer = writer.token;
  // Booting a kernel (demo ERP, migrations) outlasts vitest's default hook timeout on a busy machine.
}, 60_000);
afterAll(async () => t?.close());

function create(payload: Record<string, unknown>, who: keyof typeof tokens = "admin") {
  return t.inject({ method: "POST", url: api, token: tokens[who], payload });
}

function list(query: string, who: keyof typeof tokens = "admin") {
  return t.inject({ method: "GET", url: `${api}?${query}`, token: tokens[who] });
}

describe("starting", () => {
  it("records its migration in the plugin's own database", async () => {
    const rows = (await t.database(manifest.name).query("SELECT name FROM migrations")) as Array<{
      name: string;
    }>;
    expect(rows.map((row) => row.name)).toEqual([new CreateNotes1763900000000().name]);
    expect(existsSync(path.join(t.dataDir, "plugins", manifest.name, `${manifest.name}.db`))).toBe(
      true,
    );
  });

  it("reports itself up in /health, with its count of notes", async () => {
    expect(await t.health(manifest.name)).toEqual({
      name: manifest.name,
      version: packageJson.version,
      state: "enabled",
      status: "up",
      data: { total: 0 },
    });
  });

  it("lists its UI entry for the shell and serves the module", async () => {
    const plugins = await t.inject({
      method: "GET",
      url: "/api/kernel/plugins",
      token: tokens.reader,
    });
    const entry = (plugins.json().items as Array<{ name: string }>).find(
      (item) => item.name === manifest.name,
    );
    // The version in the URL: an open page loads a new version at a new address.
    const url = `/plugins/${manifest.name}/ui/${path.basename(manifest.ui.module)}?v=${packageJson.version}`;
    expect(entry).toMatchObject({ state: "enabled", ui: { tag: manifest.ui.tag, url } });
    const module = await t.inject({ method: "GET", url });
    expect(module.statusCode).toBe(200);
    expect(module.body).toContain(`customElements.define("${manifest.ui.tag}"`);
  });
});

describe("create, list and paginate", () => {
  it("creates a note (201) and answers it", async () => {
    const response = await create({
      company_id: 1,
      title: "  Call   the bank ",
      body: "about fees",
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      id: expect.any(Number),
      company_id: 1,
      title: "Call the bank",
      body: "about fees",
      created_by: "demo",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const again = await t.inject({
      method: "GET",
      url: `${api}/${response.json().id}`,
      token: tokens.reader,
    });
    expect(again.json()).toEqual(response.json());
  });

  it("pages a company's notes newest first, with the total", async () => {
    for (let index = 1; index <= 4; index++)
      await create({ company_id: 2, title: `Note ${index}` });
    const first = await list("company=2&page_size=3");
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ total: 4, page: 1, page_size: 3, pages: 2 });
    expect(first.json().items.map((note: { title: string }) => note.title)).toEqual([
      "Note 4",
      "Note 3",
      "Note 2",
    ]);
    const second = await list("company=2&page=2&page_size=3");
    expect(second.json().items.map((note: { title: string }) => note.title)).toEqual(["Note 1"]);
    const past = await list("company=2&page=5&page_size=3");
    expect(past.json()).toMatchObject({ items: [], total: 4, pages: 2 });
  });

  it("uses the default page size when none is asked", async () => {
    expect((await list("company=2")).json()).toMatchObject({ page: 1, page_size: 20 });
  });

  it("provides its count to callers and emits an event, sent in its name, for each new note", async () => {
    const counter = t.service(noteCount);
    expect(counter.available()).toBe(true);
    expect(await counter.for(everything).count(2)).toBe(4);
    const seen: { payload: NoteCreated; sender: string }[] = [];
    const unsubscribe = t.on(noteCreated, (payload, meta) => {
      seen.push({ payload, sender: meta.sender });
    });
    const response = await create({ company_id: 2, title: "Evented" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    unsubscribe();
    expect(seen).toEqual([
      {
        payload: { id: response.json().id, company_id: 2, title: "Evented", created_by: "demo" },
        sender: manifest.name,
      },
    ]);
    expect(await counter.for(everything).count(2)).toBe(5);
  });

  it("counts only for a user granted its read permission and the company, never as a system", async () => {
    const counter = t.service(noteCount);
    expect(await counter.for(userWith([read], [2])).count(2)).toBeGreaterThan(0);
    await expect(counter.for(userWith([], "*")).count(2)).rejects.toMatchObject({
      code: "FORBIDDEN",
      statusCode: 403,
      details: { permission: read },
    });
    await expect(counter.for(userWith([read], [1])).count(2)).rejects.toMatchObject({
      code: "FORBIDDEN",
      details: { company: 2 },
    });
    await expect(counter.asSystem("nightly digest").count(2)).rejects.toMatchObject({
      code: "FORBIDDEN",
      statusCode: 403,
    });
  });
});

describe("validation", () => {
  it.each([
    [{ company_id: 1 }, "body.title is required"],
    [{ company_id: 1, title: "x", color: "red" }, 'must not have the property "color"'],
    [{ company_id: "one", title: "x" }, "body.company_id"],
    [{ company_id: 1, title: "   " }, "body.title must not be blank"],
    [{ company_id: 999, title: "x" }, "the ERP has no company 999"],
  ])("refuses %j with a 400 that says why", async (payload, message) => {
    const response = await create(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "VALIDATION_FAILED",
      request_id: expect.any(String),
    });
    expect(response.json().error.message).toContain(message);
  });

  it.each(["", "company=0", "company=1&page=0", "company=1&page_size=101", "company=1&sort=title"])(
    "refuses the list query %j with a 400",
    async (query) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_FAILED");
    },
  );
});

describe("access", () => {
  it("needs a signed-in caller (401)", async () => {
    const response = await t.inject({ method: "GET", url: `${api}?company=1` });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHORIZED");
  });

  it("refuses a company the user was not granted (403)", async () => {
    expect((await list("company=1", "reader")).statusCode).toBe(200);
    const response = await list("company=2", "reader");
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({ code: "FORBIDDEN", details: { company: 2 } });
    const write = await create({ company_id: 2, title: "not mine" }, "writer");
    expect(write.statusCode).toBe(403);
  });

  it("refuses to write without the write permission (403 naming it)", async () => {
    const response = await create({ company_id: 1, title: "read only" }, "reader");
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: "FORBIDDEN",
      details: { permission: write },
    });
    const removal = await t.inject({ method: "DELETE", url: `${api}/1`, token: tokens.reader });
    expect(removal.statusCode).toBe(403);
  });

  it("hides the notes of other companies as if they did not exist (404)", async () => {
    const other = await create({ company_id: 2, title: "company 2 only" });
    const response = await t.inject({
      method: "GET",
      url: `${api}/${other.json().id}`,
      token: tokens.reader,
    });
    expect(response.statusCode).toBe(404);
  });
});

describe("read and delete one note", () => {
  it("answers 404 with a typed error for an unknown id", async () => {
    const response = await t.inject({ method: "GET", url: `${api}/987654`, token: tokens.admin });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: "NOT_FOUND",
      message: "No note with id 987654",
      details: { id: 987654 },
    });
  });

  it("deletes (204), after which the note is gone", async () => {
    const created = await create({ company_id: 1, title: "to delete" }, "writer");
    const url = `${api}/${created.json().id}`;
    const removal = await t.inject({ method: "DELETE", url, token: tokens.writer });
    expect(removal.statusCode).toBe(204);
    expect(removal.body).toBe("");
    expect((await t.inject({ method: "GET", url, token: tokens.writer })).statusCode).toBe(404);
    expect((await t.inject({ method: "DELETE", url, token: tokens.writer })).statusCode).toBe(404);
  });
});

describe("disable, enable and reload while the process runs", () => {
  const admin = (action: string) =>
    t.inject({
      method: "POST",
      url: `/api/kernel/plugins/${manifest.name}/${action}`,
      token: tokens.admin,
    });
  // Made after the kernel starts: a handle looks its provider up at every call.
  const counter = () => t.service(noteCount);

  it("keeps its data and its service across a reload (a new instance, same code)", async () => {
    const before = await counter().for(everything).count(2);
    const reloaded = await admin("reload");
    expect(reloaded.json()).toMatchObject({ name: manifest.name, state: "enabled" });
    expect(await counter().for(everything).count(2)).toBe(before);
    expect((await list("company=2")).json().total).toBe(before);
  });

  it("withdraws its routes and service while disabled, and brings them back", async () => {
    await admin("disable");
    expect((await list("company=1")).statusCode).toBe(404);
    expect(counter().available()).toBe(false);
    // The handle answers 503 naming the service (a consumer can say why), however it fails.
    await expect(async () => counter().for(everything).count(1)).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      statusCode: 503,
    });
    await admin("enable");
    expect((await list("company=1")).statusCode).toBe(200);
    expect(counter().available()).toBe(true);
  });
});
