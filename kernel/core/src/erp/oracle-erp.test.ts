// Oracle cannot run here: these tests drive the real client against a fake driver
// that behaves like node-oracledb (pool, connections, errors with ORA-/NJS- codes).
import { describe, expect, it, vi } from "vitest";
import {
  type OracleConnection,
  type OracleDriver,
  OracleErpClient,
  type OraclePool,
} from "./oracle-erp.js";

const settings = {
  user: "contafin_oracle",
  password: "secret",
  connectString: "localhost:1526/ROA",
  poolMin: 2,
  poolMax: 10,
  queueTimeoutMs: 5000,
  connectTimeoutSeconds: 10,
  callTimeoutMs: 60_000,
  authProcedure: "pack_drepturi.verificautilizator",
};

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function fakeConnection(
  overrides: Partial<OracleConnection> = {},
): OracleConnection & { closed: number } {
  const connection = {
    callTimeout: 0,
    closed: 0,
    execute: vi.fn(async () => ({ rows: [{ ID: 1, NAME: "Nord" }] })),
    queryStream: vi.fn(() => {
      const rows = [{ ID: 1 }, { ID: 2 }];
      return Object.assign(
        (async function* () {
          yield* rows;
        })(),
        { destroy: vi.fn() },
      );
    }),
    ping: vi.fn(async () => undefined),
    async close() {
      connection.closed += 1;
    },
    ...overrides,
  };
  return connection;
}

function fakeDriver(
  pool: () => Promise<OraclePool>,
): OracleDriver & { createPool: ReturnType<typeof vi.fn> } {
  return { OUT_FORMAT_OBJECT: 4002, createPool: vi.fn(pool) };
}

describe("OracleErpClient", () => {
  it("creates a bounded pool with queue and connect timeouts", async () => {
    const connection = fakeConnection();
    const driver = fakeDriver(async () => ({
      getConnection: async () => connection,
      close: async () => undefined,
    }));
    const client = new OracleErpClient(driver, settings, logger);
    await client.open();
    expect(driver.createPool).toHaveBeenCalledWith(
      expect.objectContaining({
        poolMin: 2,
        poolMax: 10,
        queueTimeout: 5000,
        connectTimeout: 10,
        connectString: "localhost:1526/ROA",
      }),
    );
  });

  it("passes bind variables through, lower-cases columns and releases the connection", async () => {
    const connection = fakeConnection();
    const client = new OracleErpClient(
      fakeDriver(async () => ({
        getConnection: async () => connection,
        close: async () => undefined,
      })),
      settings,
      logger,
    );
    const rows = await client.query("SELECT id, name FROM companies WHERE id = :company", {
      company: 1,
    });
    expect(rows).toEqual([{ id: 1, name: "Nord" }]);
    expect(connection.execute).toHaveBeenCalledWith(
      "SELECT id, name FROM companies WHERE id = :company",
      { company: 1 },
      { outFormat: 4002 },
    );
    expect(connection.closed).toBe(1);
    expect(connection.callTimeout).toBe(60_000);
  });

  it("streams rows and releases the connection even when the consumer stops early", async () => {
    const connection = fakeConnection();
    const client = new OracleErpClient(
      fakeDriver(async () => ({
        getConnection: async () => connection,
        close: async () => undefined,
      })),
      settings,
      logger,
    );
    for await (const row of client.stream("SELECT id FROM invoices")) {
      expect(row).toEqual({ id: 1 });
      break;
    }
    expect(connection.closed).toBe(1);
  });

  it("turns a dropped connection into a 503 and a bad query into a 500 without SQL in the message", async () => {
    const dropped = fakeConnection({
      execute: vi.fn(async () =>
        Promise.reject(
          Object.assign(new Error("ORA-03113: end-of-file on communication channel"), {
            code: "ORA-03113",
          }),
        ),
      ),
    });
    const client = new OracleErpClient(
      fakeDriver(async () => ({
        getConnection: async () => dropped,
        close: async () => undefined,
      })),
      settings,
      logger,
    );
    await expect(client.query("SELECT 1 FROM dual")).rejects.toMatchObject({
      statusCode: 503,
      code: "SERVICE_UNAVAILABLE",
    });
    const broken = fakeConnection({
      execute: vi.fn(async () =>
        Promise.reject(
          Object.assign(new Error("ORA-00942: table or view does not exist"), {
            code: "ORA-00942",
          }),
        ),
      ),
    });
    const other = new OracleErpClient(
      fakeDriver(async () => ({ getConnection: async () => broken, close: async () => undefined })),
      settings,
      logger,
    );
    const error = (await other.query("SELECT * FROM secret_table").then(
      () => new Error("expected a failure"),
      (caught: unknown) => caught,
    )) as Error & { statusCode: number };
    expect(error.statusCode).toBe(500);
    expect(error.message).not.toContain("secret_table");
  });

  it("starts while the database is down, reports it, and recovers when it comes back", async () => {
    let up = false;
    const connection = fakeConnection();
    const driver = fakeDriver(async () => {
      if (!up)
        throw Object.assign(
          new Error("NJS-503: connection to host localhost port 1526 could not be established"),
          { code: "NJS-503" },
        );
      return { getConnection: async () => connection, close: async () => undefined };
    });
    const client = new OracleErpClient(driver, settings, logger, 20);
    await client.open(); // does not throw
    expect((await client.health(100)).status).toBe("down");
    await expect(client.query("SELECT 1 FROM dual")).rejects.toMatchObject({ statusCode: 503 });
    up = true;
    await vi.waitFor(async () => expect((await client.health(100)).status).toBe("up"), {
      timeout: 2000,
    });
    expect(await client.query("SELECT 1 FROM dual")).toHaveLength(1);
    await client.close();
  });

  it("checks credentials through the ERP's procedure with bind variables", async () => {
    const connection = fakeConnection({ execute: vi.fn(async () => ({ outBinds: { ok: 1 } })) });
    const client = new OracleErpClient(
      fakeDriver(async () => ({
        getConnection: async () => connection,
        close: async () => undefined,
      })),
      settings,
      logger,
    );
    expect(await client.verifyCredentials("ion", "p'; DROP TABLE x; --")).toBe(true);
    const [sql, binds] = (connection.execute as ReturnType<typeof vi.fn>).mock.calls[0] as [
      string,
      Record<string, unknown>,
    ];
    expect(sql).toBe("BEGIN :ok := pack_drepturi.verificautilizator(:username, :password); END;");
    expect(binds).toMatchObject({ username: "ion", password: "p'; DROP TABLE x; --" });
  });
});
