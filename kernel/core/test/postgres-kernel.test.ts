// The kernel with DATABASE_URL on a real PostgreSQL (Debian's package, a throw-away
// cluster on loopback): what a user and an administrator do, kept in the database every
// kernel shares, each database in its own schema, migrations run once (ADR 0028).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KERNEL_MIGRATIONS } from "../src/database/kernel-migrations.js";
import { openDataSource } from "../src/database/open-data-source.js";
import { SqliteLeaseStore } from "../src/leases/lease-store.js";
import { PackageStore } from "../src/plugins/package-store.js";
import { startTestKernel as startKit, type TestKernel } from "../src/testing/index.js";
import { FIXTURE_PLUGINS, inject, REPO_ROOT } from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const GOOD = path.join(FIXTURE_PLUGINS, "good");
// Each kernel start and each spawned process takes seconds on the shared machine.
const SLOW = { timeout: 180_000 };

describeWithServers(["postgres"], "the kernel on PostgreSQL (DATABASE_URL)", () => {
  let server: PostgresServer;
  let url: string;
  let client: pg.Client;
  const kernels: TestKernel[] = [];
  const boot = async (env: Record<string, string> = {}) => {
    const started = await startKit({
      plugins: [GOOD],
      env: { DATABASE_URL: url, ...env },
      requireStarted: false,
    });
    kernels.push(started);
    return started;
  };
  const rows = async (sql: string, values: unknown[] = []) =>
    (await client.query(sql, values)).rows;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    for (const kernel of kernels) await kernel.close().catch(() => undefined);
    await client?.end();
    await server?.stop();
  }, 120_000);

  it(
    "two kernels started at the same moment on an empty database migrate it once, each database in its schema",
    SLOW,
    async () => {
      const [first, second] = await Promise.all([boot(), boot()]);
      expect(first?.kernel.plugins.get("good")?.state).toBe("enabled");
      expect(second?.kernel.plugins.get("good")?.state).toBe("enabled");
      expect(
        await rows("SELECT name, count(*)::int AS n FROM roa2web_kernel.migrations GROUP BY name"),
      ).toEqual(
        expect.arrayContaining(
          KERNEL_MIGRATIONS.map((migration) => ({ name: migration.name, n: 1 })),
        ),
      );
      expect(await rows("SELECT count(*)::int AS n FROM roa2web_kernel.migrations")).toEqual([
        { n: KERNEL_MIGRATIONS.length },
      ]);
      expect(await rows("SELECT name FROM plugin_good.migrations")).toEqual([
        { name: "CreateNotes1700000000001" },
      ]);
      const tables = await rows(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      );
      expect(tables.map((row) => row.name)).toEqual([
        "plugin_good.migrations",
        "plugin_good.notes",
        "roa2web_kernel.health_heartbeat",
        "roa2web_kernel.kernel_leases",
        "roa2web_kernel.kernel_peers",
        "roa2web_kernel.migrations",
        "roa2web_kernel.plugin_package_archives",
        "roa2web_kernel.plugin_package_kernels",
        "roa2web_kernel.plugin_packages",
        "roa2web_kernel.plugin_states",
        "roa2web_kernel.refresh_tokens",
        "roa2web_kernel.revoked_access_tokens",
        "roa2web_kernel.user_session_cutoffs",
        "roa2web_kernel.users",
      ]);
      // One demo user, though both kernels found the table empty.
      expect(await rows("SELECT username FROM roa2web_kernel.users")).toEqual([
        { username: "demo" },
      ]);
    },
  );

  it(
    "signs in on one kernel and refreshes on the other; a reused refresh token revokes the family on both",
    SLOW,
    async () => {
      const [a, b] = kernels as [TestKernel, TestKernel];
      const login = await inject(a.kernel, {
        method: "POST",
        url: "/api/auth/login",
        payload: { username: "demo", password: "demo", refresh_token_in_body: true },
      });
      expect(login.statusCode).toBe(200);
      const first = login.json();
      const rotated = await inject(b.kernel, {
        method: "POST",
        url: "/api/auth/refresh",
        payload: { refresh_token: first.refresh_token },
      });
      expect(rotated.statusCode).toBe(200);
      const second = rotated.json();
      expect(second.refresh_expires_at).toBe(first.refresh_expires_at);
      const me = await inject(a.kernel, {
        method: "GET",
        url: "/api/auth/me",
        headers: { authorization: `Bearer ${second.access_token}` },
      });
      expect(me.statusCode).toBe(200);
      const replay = await inject(a.kernel, {
        method: "POST",
        url: "/api/auth/refresh",
        payload: { refresh_token: first.refresh_token },
      });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.message).toContain("already used");
      const successor = await inject(b.kernel, {
        method: "POST",
        url: "/api/auth/refresh",
        payload: { refresh_token: second.refresh_token },
      });
      expect(successor.statusCode).toBe(401);
    },
  );

  it("a signed-out access token stays refused by a kernel started afterwards", SLOW, async () => {
    const [a] = kernels as [TestKernel];
    const pair = (
      await inject(a.kernel, {
        method: "POST",
        url: "/api/auth/login",
        payload: { username: "demo", password: "demo", refresh_token_in_body: true },
      })
    ).json();
    const out = await inject(a.kernel, {
      method: "POST",
      url: "/api/auth/logout",
      headers: { authorization: `Bearer ${pair.access_token}` },
      payload: { refresh_token: pair.refresh_token },
    });
    expect(out.statusCode).toBe(204);
    const later = await boot();
    const me = await inject(later.kernel, {
      method: "GET",
      url: "/api/auth/me",
      headers: { authorization: `Bearer ${pair.access_token}` },
    });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.details.reason).toBe("revoked");
    const refresh = await inject(later.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: pair.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
    // The health check's write (this kernel's row among its peers) goes to PostgreSQL.
    await rows("DELETE FROM roa2web_kernel.kernel_peers");
    const health = await inject(later.kernel, { method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
    expect(await rows("SELECT kernel_id FROM roa2web_kernel.kernel_peers")).toEqual([
      { kernel_id: later.kernel.container.cradle.leases.holderId },
    ]);
  });

  it(
    "a plugin writes into its own schema, and a plugin disabled stays disabled after a restart",
    SLOW,
    async () => {
      const [a] = kernels as [TestKernel];
      const token = await a.login();
      const note = await inject(a.kernel, {
        method: "POST",
        url: "/api/good/notes",
        headers: { authorization: `Bearer ${token}` },
        payload: { text: "pe PostgreSQL" },
      });
      expect(note.statusCode).toBe(201);
      expect(note.json()).toEqual({ count: 1 });
      expect(await rows("SELECT text FROM plugin_good.notes")).toEqual([{ text: "pe PostgreSQL" }]);

      const disabled = await inject(a.kernel, {
        method: "POST",
        url: "/api/kernel/plugins/good/disable",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(disabled.statusCode).toBe(200);
      // Another kernel started afterwards (the kit's MODULE_GOOD_ENABLED=true is only the default).
      const restarted = await boot();
      expect(restarted.kernel.plugins.get("good")?.state).toBe("disabled");
      expect(
        (await inject(restarted.kernel, { method: "GET", url: "/api/good/public" })).statusCode,
      ).toBe(404);
    },
  );

  it(
    "records installed package versions: active, previous, restored after a failed hand-over, failed",
    SLOW,
    async () => {
      const { dataSource } = await openDataSource({
        location: { kind: "postgres", url, schema: "roa2web_kernel", poolMax: 2 },
        entities: [],
        migrations: KERNEL_MIGRATIONS,
      });
      try {
        const store = new PackageStore(
          dataSource,
          mkdtempSync(path.join(os.tmpdir(), "roa2web-pg-packages-")),
        );
        const version = (v: string) => ({
          name: "reports",
          version: v,
          folder: store.folderOf("reports", v),
          sha256: "ab".repeat(32),
          signerKeyId: undefined,
          trusted: false,
          installedBy: "demo",
          installedAt: new Date().toISOString(),
          // Every byte value, as BYTEA must keep it (ADR 0033).
          archive: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7 + v.length) % 256)),
        });
        for (const next of ["1.0.0", "1.1.0"])
          await store.pruned(await store.switched(version(next)));
        expect((await store.versionsOf("reports")).map((row) => [row.version, row.status])).toEqual(
          [
            ["1.0.0", "previous"],
            ["1.1.0", "active"],
          ],
        );
        // 1.2.0's hand-over is not committed: the rows go back as they were, and its
        // attempt is recorded as failed.
        await store.restored(await store.switched(version("1.2.0")));
        await store.failed(version("1.2.0"), "start: boom");
        expect(
          (await store.list()).map((row) => [row.version, row.status, row.trusted, row.failure]),
        ).toEqual([
          ["1.0.0", "previous", false, undefined],
          ["1.1.0", "active", false, undefined],
          ["1.2.0", "failed", false, "start: boom"],
        ]);
        expect((await store.activeOf("reports"))?.version).toBe("1.1.0");
        // The archives of the kept versions, byte for byte; none of the one not committed.
        expect(await store.archiveOf("reports", "1.1.0")).toEqual(version("1.1.0").archive);
        expect(await store.archiveOf("reports", "1.0.0")).toEqual(version("1.0.0").archive);
        expect(await store.archiveOf("reports", "1.2.0")).toBeUndefined();
        await store.forget("reports");
        expect(await store.list()).toEqual([]);
        expect(await store.archiveOf("reports", "1.1.0")).toBeUndefined();
      } finally {
        await dataSource.destroy();
      }
    },
  );

  it("gives a lease to exactly one of two kernels racing for it", SLOW, async () => {
    const open = () =>
      openDataSource({
        location: { kind: "postgres", url, schema: "roa2web_kernel", poolMax: 4 },
        entities: [],
        migrations: KERNEL_MIGRATIONS,
      });
    const [one, two] = await Promise.all([open(), open()]);
    try {
      const stores = [new SqliteLeaseStore(one.dataSource), new SqliteLeaseStore(two.dataSource)];
      const now = Date.now();
      for (let round = 0; round < 20; round += 1) {
        const name = `race-${round}`;
        const results = await Promise.all(
          stores.map((store, index) => store.acquire(name, `kernel-${index}`, 10_000, now)),
        );
        const winners = new Set(results.map((lease) => lease.holder));
        expect(winners.size).toBe(1);
        expect(results[0]?.expiresAtMs).toBe(now + 10_000);
      }
      // Lapsed: the other one takes it; its holder renews; a release frees it.
      await stores[0]?.acquire("lapsing", "kernel-0", 1000, now);
      expect((await stores[1]?.acquire("lapsing", "kernel-1", 1000, now + 5000))?.holder).toBe(
        "kernel-1",
      );
      expect((await stores[0]?.acquire("lapsing", "kernel-0", 1000, now + 5100))?.holder).toBe(
        "kernel-1",
      );
      await stores[1]?.release("lapsing", "kernel-1");
      expect((await stores[0]?.list())?.some((lease) => lease.name === "lapsing")).toBe(false);
    } finally {
      await one.dataSource.destroy();
      await two.dataSource.destroy();
    }
  });

  it(
    "the users command manages users in PostgreSQL; a bad DATABASE_URL stops the start (78) without its password, a server down too (1)",
    SLOW,
    async () => {
      expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
      const run = (args: string[], env: Record<string, string>, input = "") =>
        spawnSync(process.execPath, [MAIN, ...args], {
          cwd: REPO_ROOT,
          input,
          encoding: "utf8",
          timeout: 120_000,
          env: {
            ...process.env,
            ROA2WEB_ENV: "test",
            ROA2WEB_SUPERVISOR: "off",
            DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "roa2web-pg-cli-")),
            PORT: "0",
            ...env,
          },
        });
      const added = run(
        ["users", "add", "Ana", "--permissions", "reports:read"],
        { DATABASE_URL: url },
        "long-password\n",
      );
      expect(added.stderr).toBe("");
      expect(added.status).toBe(0);
      const [a] = kernels as [TestKernel];
      expect(await a.login("ana", "long-password")).toEqual(expect.any(String));
      const revoked = run(["users", "disable", "ana"], { DATABASE_URL: url });
      expect(revoked.status).toBe(0);
      expect(
        await rows(
          "SELECT u.disabled, c.not_before_ms > 0 AS cut FROM roa2web_kernel.users u JOIN roa2web_kernel.user_session_cutoffs c ON c.user_id = u.id WHERE u.username = 'ana'",
        ),
      ).toEqual([{ disabled: true, cut: true }]);

      for (const bad of [
        "mysql://roa:Secret-Pw-1@127.0.0.1/books",
        "postgres//roa:Secret-Pw-1@127.0.0.1/books",
      ]) {
        const refused = run([], { DATABASE_URL: bad });
        expect(refused.status).toBe(78);
        expect(refused.stderr).toContain("DATABASE_URL must be a PostgreSQL URL");
        expect(refused.stderr + refused.stdout).not.toContain("Secret-Pw-1");
      }
      // A URL PostgreSQL refuses is a setting too (78); a server that does not answer is not (1).
      const port = new URL(url).port;
      const missing = run([], {
        DATABASE_URL: `postgres://postgres:Secret-Pw-1@127.0.0.1:${port}/no_such_database`,
      });
      expect(missing.status).toBe(78);
      expect(missing.stderr).toContain(
        `The PostgreSQL database 127.0.0.1:${port}/no_such_database of DATABASE_URL cannot be opened (3D000`,
      );
      expect(missing.stderr).not.toContain("Secret-Pw-1");
      const down = run([], { DATABASE_URL: "postgres://roa:Secret-Pw-1@127.0.0.1:1/books" });
      expect(down.status).toBe(1);
      expect(down.stderr).toContain(
        "127.0.0.1:1/books of DATABASE_URL cannot be opened (ECONNREFUSED",
      );
      expect(down.stderr).not.toContain("Secret-Pw-1");
    },
  );
});
