// `roa2web db copy-to-postgres` as an operator runs it (node dist/main.js, exit codes,
// the terminal's text) on an embedded install with real data — a user with a refresh
// family, receipts with their lines, a Telegram link, notes in a plugin switched off —
// into a real PostgreSQL (Debian's package, on loopback). Then a kernel on DATABASE_URL
// serves the same data; a copy that fails half-way or finds data leaves the target as it
// was (ADR 0037).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeBotApi, waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { startTestKernel as startKit, type TestKernel } from "../src/testing/index.js";
import { REPO_ROOT } from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const PLUGINS = [
  path.join(REPO_ROOT, "plugins", "data-entry"),
  path.join(REPO_ROOT, "plugins", "telegram"),
  path.join(REPO_ROOT, "plugins", "examples", "notes"),
];
// Kernel starts and spawned processes take seconds each on the shared machine.
const SLOW = { timeout: 240_000 };
const PASSWORD = "ana-long-password";
const DB_PASSWORD = "pw-never-printed";
// A Telegram user id past 2^31 and a group chat's negative id: bigint on PostgreSQL.
const TELEGRAM_USER = {
  id: 6_123_456_789,
  is_bot: false,
  first_name: "Ana",
  language_code: "en",
};
const today = new Date().toISOString().slice(0, 10);

describeWithServers(["postgres"], "roa2web db copy-to-postgres", () => {
  let server: PostgresServer;
  let target: string;
  let client: pg.Client;
  const api = new FakeBotApi();
  let botEnv: Record<string, string>;
  let embedded: TestKernel;
  let onPostgres: TestKernel | undefined;
  /** What the embedded install served before it stopped, to compare with. */
  const before: {
    refreshToken: string;
    receipts: unknown;
    receiptDetails: unknown[];
    notes: unknown;
    telegram: unknown;
  } = { refreshToken: "", receipts: undefined, receiptDetails: [], notes: undefined, telegram: {} };
  let lastReceiptId = 0;

  const copy = (args: string[], env: Record<string, string | undefined> = {}) => {
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({
      ...process.env,
      ROA2WEB_ENV: "test",
      DATA_DIR: embedded.dataDir,
      // The test kit's folder of links to exactly these plugins, beside DATA_DIR.
      PLUGINS_WORKSPACE_DIR: path.join(path.dirname(embedded.dataDir), "plugins"),
      DATABASE_URL: undefined,
      ...env,
    }))
      if (value !== undefined) merged[key] = value;
    const result = spawnSync(process.execPath, [MAIN, "db", "copy-to-postgres", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: merged,
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  /** Every roa2web table's row count and content digest, to see that nothing changed. */
  const snapshot = async () => {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE (table_schema = 'roa2web_kernel' OR table_schema LIKE 'plugin_%')
          AND table_name <> 'migrations' ORDER BY 1, 2`,
    );
    const result: Record<string, string> = {};
    for (const { schema, name } of tables) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
           FROM "${schema}"."${name}" t`,
      );
      result[`${schema}.${name}`] = `${rows[0].n}:${rows[0].digest}`;
    }
    return result;
  };
  const call = (
    t: TestKernel,
    token: string,
    method: "GET" | "POST",
    url: string,
    payload?: object,
  ) => t.inject({ method, url, token, payload });

  beforeAll(async () => {
    server = await startPostgres();
    target = await server.createDatabase();
    client = new pg.Client({ connectionString: target });
    await client.connect();
    // A firm's server in its own time zone: a moment SQLite wrote without a zone (UTC)
    // must not be read as Bucharest time.
    await client.query(
      `ALTER DATABASE "${new URL(target).pathname.slice(1)}" SET timezone = 'Europe/Bucharest'`,
    );
    botEnv = { TELEGRAM_BOT_TOKEN: "123:copy", TELEGRAM_API_ROOT: await api.start() };
    embedded = await startKit({
      root: REPO_ROOT,
      plugins: PLUGINS,
      env: { DATA_ENTRY_OCR_ENABLED: "false", ...botEnv },
    });
    const admin = await embedded.login();
    await embedded.createUser({
      username: "ana",
      password: PASSWORD,
      permissions: [
        "data-entry:read",
        "data-entry:write",
        "telegram:link",
        "notes:read",
        "notes:write",
      ],
      companies: [1],
    });
    // A refresh family with a used token in it; the last token must work after the move.
    const signIn = await embedded.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "ana", password: PASSWORD, refresh_token_in_body: true },
    });
    const rotated = await embedded.inject({
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: signIn.json().refresh_token },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    before.refreshToken = rotated.json().refresh_token;
    const ana = rotated.json().access_token as string;

    // Receipts with entry lines: one left as a draft, one submitted and approved.
    for (const [merchant, approve] of [
      ["OMV Petrom", false],
      ["Dedeman", true],
    ] as const) {
      const created = await call(embedded, ana, "POST", "/api/data-entry/receipts", {
        company_id: 1,
        merchant,
        tax_id: "RO1590082",
        date: today,
        total: 121.5,
        vat: 21.09,
        currency: "RON",
        notes: "bon fiscal — diacritice: ăîșț",
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as number;
      lastReceiptId = id;
      const proposed = await call(
        embedded,
        ana,
        "POST",
        `/api/data-entry/receipts/${id}/entries/propose`,
        {},
      );
      expect(proposed.statusCode, proposed.body).toBe(200);
      if (approve) {
        expect(
          (await call(embedded, ana, "POST", `/api/data-entry/receipts/${id}/submit`)).statusCode,
        ).toBe(200);
        const approved = await call(
          embedded,
          admin,
          "POST",
          `/api/data-entry/receipts/${id}/approve`,
        );
        expect(approved.statusCode, approved.body).toBe(200);
      }
    }
    before.receipts = (
      await call(embedded, ana, "GET", "/api/data-entry/receipts?company=1")
    ).json();
    for (const id of [lastReceiptId - 1, lastReceiptId]) {
      before.receiptDetails.push(
        (await call(embedded, ana, "GET", `/api/data-entry/receipts/${id}`)).json(),
      );
    }

    // A Telegram link made as a user makes it: a code on the web, /start CODE in Telegram.
    const code = (await call(embedded, ana, "POST", "/api/telegram/auth/codes")).json().code;
    api.pushText(TELEGRAM_USER, `/start ${code}`);
    await waitFor(() => api.textsTo(TELEGRAM_USER.id).length > 0, "the bot's confirmation");
    before.telegram = (await call(embedded, ana, "GET", "/api/telegram/auth/status")).json();
    expect(before.telegram).toMatchObject({
      linked: true,
      links: [{ telegram_user_id: TELEGRAM_USER.id }],
    });

    // Notes, then the notes plugin switched off: its database is copied all the same.
    for (const title of ["Sună la bancă", "Inventar"])
      await call(embedded, ana, "POST", "/api/notes", { company_id: 1, title, body: "—" });
    before.notes = (await call(embedded, ana, "GET", "/api/notes?company=1")).json();
    expect((before.notes as { total: number }).total).toBe(2);
    expect(
      (await call(embedded, admin, "POST", "/api/kernel/plugins/notes/disable")).statusCode,
    ).toBe(200);

    // The server stops; its files stay (the kit deletes them at close()).
    await embedded.kernel.stop();
  }, 300_000);

  afterAll(async () => {
    await onPostgres?.close().catch(() => undefined);
    await embedded?.close().catch(() => undefined);
    await api.close();
    await client?.end();
    await server?.stop();
  }, 120_000);

  it(
    "refuses a missing or wrong target and a folder with no install as settings (78)",
    SLOW,
    () => {
      const none = copy([]);
      expect(none).toMatchObject({ code: 78, err: expect.stringContaining("set DATABASE_URL") });
      const mysql = copy(["--to", "mysql://root:hunter2@db/books"]);
      expect(mysql).toMatchObject({ code: 78, err: expect.stringContaining("--to must be") });
      expect(mysql.err).not.toContain("hunter2");
      const noDatabase = copy([], {
        DATABASE_URL: `postgres://postgres:${DB_PASSWORD}@127.0.0.1:${server.port}/no_such_db`,
      });
      expect(noDatabase).toMatchObject({ code: 78, err: expect.stringContaining("no_such_db") });
      expect(noDatabase.err).not.toContain(DB_PASSWORD);
      const empty = copy([], { DATABASE_URL: target, DATA_DIR: path.join(embedded.dataDir, "x") });
      expect(empty).toMatchObject({ code: 78, err: expect.stringContaining("kernel.db") });
      expect(copy(["copy-everything"]).code).toBe(64);
    },
  );

  it(
    "refuses a DATA_DIR a kernel still holds a lease on, and a plugin database whose code is gone",
    SLOW,
    async () => {
      const kernelFile = path.join(embedded.dataDir, "kernel.db");
      const sqlite = new Database(kernelFile);
      sqlite
        .prepare(
          "INSERT INTO kernel_leases (name, holder, acquired_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)",
        )
        .run("telegram:poller", "another-kernel", Date.now(), Date.now() + 600_000);
      try {
        const running = copy([], { DATABASE_URL: target });
        expect(running.code).toBe(1);
        expect(running.err).toContain("a kernel is running on this DATA_DIR");
      } finally {
        sqlite.prepare("DELETE FROM kernel_leases WHERE holder = 'another-kernel'").run();
        sqlite.close();
      }
      // A plugin removed from the install, its database left in DATA_DIR.
      mkdirSync(path.join(embedded.dataDir, "plugins", "gone"));
      const orphan = new Database(path.join(embedded.dataDir, "plugins", "gone", "gone.db"));
      orphan.exec("CREATE TABLE things (id INTEGER PRIMARY KEY)");
      orphan.close();
      const missing = copy([], { DATABASE_URL: target });
      expect(missing.code).toBe(1);
      expect(missing.err).toContain("plugins/gone/gone.db: no plugin of that name");
      expect(missing.err).toContain("--leave-out");
      for (const [table, state] of Object.entries(await snapshot()))
        expect(`${table} ${state.split(":")[0]}`).toBe(`${table} 0`);
    },
  );

  it(
    "rolls everything back when PostgreSQL refuses a row half-way, naming the row",
    SLOW,
    async () => {
      // SQLite ignores varchar lengths; PostgreSQL does not: a planted 8-letter currency.
      const file = path.join(embedded.dataDir, "plugins", "data-entry", "data-entry.db");
      const sqlite = new Database(file);
      sqlite.prepare("UPDATE receipts SET currency = 'LEI-ROMA' WHERE id = ?").run(lastReceiptId);
      sqlite.close();
      try {
        const failed = copy(["--leave-out", "gone"], { DATABASE_URL: target });
        expect(failed.code, failed.err).toBe(1);
        expect(failed.err).toContain(`data-entry: table receipts, row 2 (id=${lastReceiptId})`);
        expect(failed.err).toContain("character varying(3)");
        expect(failed.err).toContain("Nothing was copied");
        // The kernel's tables were copied before data-entry's: rolled back with them.
        const after = await snapshot();
        expect(Object.keys(after)).toEqual(
          expect.arrayContaining(["roa2web_kernel.users", "plugin_data_entry.receipts"]),
        );
        for (const [table, state] of Object.entries(after))
          expect(`${table} ${state.split(":")[0]}`).toBe(`${table} 0`);
      } finally {
        const restore = new Database(file);
        restore.prepare("UPDATE receipts SET currency = 'RON' WHERE id = ?").run(lastReceiptId);
        restore.close();
      }
    },
  );

  it(
    "copies every database; a kernel on PostgreSQL signs the same user in and serves the same data",
    SLOW,
    async () => {
      const url = new URL(target);
      url.password = DB_PASSWORD; // trust authentication: any password is accepted
      const copied = copy(["--leave-out", "gone"], { DATABASE_URL: url.href });
      expect(copied.code, copied.err).toBe(0);
      expect(copied.out).toContain("Leaving out plugins/gone/gone.db (--leave-out)");
      expect(copied.out).toMatch(/kernel -> roa2web_kernel/);
      expect(copied.out).toMatch(/data-entry -> plugin_data_entry/);
      expect(copied.out).toMatch(/notes -> plugin_notes/);
      expect(copied.out).toMatch(/ {2}receipt_entries +6 rows/);
      expect(copied.out).toMatch(/Copied 4 databases, \d+ tables, [\d,]+ rows into 127\.0\.0\.1:/);
      expect(`${copied.out}${copied.err}`).not.toContain(DB_PASSWORD);

      onPostgres = await startKit({
        root: REPO_ROOT,
        plugins: PLUGINS,
        env: { DATA_ENTRY_OCR_ENABLED: "false", DATABASE_URL: target, ...botEnv },
        requireStarted: false,
      });
      const t = onPostgres;
      // The same password, and the refresh token the embedded kernel issued last.
      const signIn = await t.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: "ana", password: PASSWORD },
      });
      expect(signIn.statusCode, signIn.body).toBe(200);
      const refreshed = await t.inject({
        method: "POST",
        url: "/api/auth/refresh",
        payload: { refresh_token: before.refreshToken },
      });
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      const ana = signIn.json().access_token as string;
      expect((await call(t, ana, "GET", "/api/data-entry/receipts?company=1")).json()).toEqual(
        before.receipts,
      );
      for (const detail of before.receiptDetails) {
        const id = (detail as { id: number }).id;
        expect((await call(t, ana, "GET", `/api/data-entry/receipts/${id}`)).json()).toEqual(
          detail,
        );
      }
      expect((await call(t, ana, "GET", "/api/telegram/auth/status")).json()).toEqual(
        before.telegram,
      );
      // The plugin switched off stays off; switched on, it has its notes.
      expect(t.kernel.plugins.get("notes")?.state).toBe("disabled");
      const admin = await t.login();
      expect((await call(t, admin, "POST", "/api/kernel/plugins/notes/enable")).statusCode).toBe(
        200,
      );
      expect((await call(t, ana, "GET", "/api/notes?company=1")).json()).toEqual(before.notes);
      // The sequences continue after the copied ids.
      const next = await call(t, ana, "POST", "/api/data-entry/receipts", {
        company_id: 1,
        merchant: "Kaufland",
        tax_id: "RO1590082",
        date: today,
        total: 10,
        vat: 1.6,
        currency: "RON",
      });
      expect(next.statusCode, next.body).toBe(201);
      expect(next.json().id).toBe(lastReceiptId + 1);
      await t.close();
      onPostgres = undefined;
    },
  );

  it(
    "refuses to copy into a target that holds data and changes nothing; --replace starts it over",
    SLOW,
    async () => {
      const held = await snapshot();
      const again = copy(["--leave-out", "gone"], { DATABASE_URL: target });
      expect(again.code).toBe(1);
      expect(again.err).toContain("already holds data");
      expect(again.err).toMatch(/plugin_data_entry\.receipts: 3 rows/);
      expect(await snapshot()).toEqual(held);

      const replaced = copy(["--replace", "--leave-out", "gone"], { DATABASE_URL: target });
      expect(replaced.code, replaced.err).toBe(0);
      const { rows } = await client.query(
        "SELECT merchant FROM plugin_data_entry.receipts ORDER BY id",
      );
      expect(rows).toEqual([{ merchant: "OMV Petrom" }, { merchant: "Dedeman" }]);
    },
  );
});
