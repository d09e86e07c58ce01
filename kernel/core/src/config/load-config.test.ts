import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generatePackageKeyPair } from "../packages/keys.js";
import { loadConfig } from "./load-config.js";
import { ConfigError } from "./parse.js";
import { createPluginSettings } from "./plugin-settings.js";
import { DEVELOPMENT_JWT_SECRET } from "./secret-strength.js";

/** Made with `openssl rand -base64 48`, as docs/operations.md says. */
const STRONG_SECRET = "pPBMMe59fkt5CM9JOgkFBftTxS6rbXfxOyrMfY8veU4DVuGQvOKq13p23bFBCMPE";

function root(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-config-"));
  mkdirSync(path.join(dir, "config"));
  writeFileSync(path.join(dir, "pnpm-workspace.yaml"), "packages: []\n");
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("has development defaults that need nothing set", () => {
    const dir = root();
    const settings = loadConfig({ root: dir, env: {} });
    expect(settings).toMatchObject({
      environment: "development",
      port: 8000,
      dataDir: path.join(dir, "data"),
    });
    expect(settings.erp.adapter).toBe("@roa2web/demo-erp");
    expect(settings.cache.url).toBe(`sqlite://${path.join(dir, "data", "cache.db")}`);
    expect(settings.auth.createDemoUser).toBe(true);
  });

  it("puts the cache on REDIS_URL unless CACHE_URL says otherwise, and never echoes a bad REDIS_URL", () => {
    const url = "redis://:s3cret@redis.local:6379/2";
    expect(loadConfig({ root: root(), env: { REDIS_URL: url } })).toMatchObject({
      redis: { url, keyPrefix: "roa2web:" },
      cache: { url },
    });
    const own = loadConfig({
      root: root(),
      env: { REDIS_URL: url, CACHE_URL: "memory://", REDIS_KEY_PREFIX: "firm-a:" },
    });
    expect(own.cache.url).toBe("memory://");
    expect(own.redis.keyPrefix).toBe("firm-a:");
    const problems = problemsOf(() =>
      loadConfig({ root: root(), env: { REDIS_URL: "http://:s3cret@redis.local" } }),
    );
    expect(problems).toEqual(["REDIS_URL must start with redis:// or rediss://"]);
  });

  it("layers config/<env>.env, then .env, then the process environment", () => {
    const dir = root({ ".env": "PORT=8100\nLOG_LEVEL=debug\n" });
    writeFileSync(
      path.join(dir, "config", "development.env"),
      "PORT=8050\nLOG_LEVEL=warn\nCACHE_L1_MAX_ENTRIES=5\n",
    );
    const settings = loadConfig({ root: dir, env: { PORT: "8200" } });
    expect(settings.port).toBe(8200);
    expect(settings.log.level).toBe("debug");
    expect(settings.cache.l1MaxEntries).toBe(5);
  });

  it("reports every malformed variable by name at once", () => {
    const problems = problemsOf(() =>
      loadConfig({
        root: root(),
        env: { PORT: "eighty", LOG_LEVEL: "loud", LOG_REQUESTS: "maybe" },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/PORT .*"eighty"/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join("\n")).toMatch(/LOG_REQUESTS must be true or false/);
  });

  it("refuses to start production without its secrets and says which", () => {
    const problems = problemsOf(() =>
      loadConfig({ root: root(), env: { ROA2WEB_ENV: "production" } }),
    );
    expect(problems.join("\n")).toContain("JWT_SECRET is required in production");
    expect(problems.join("\n")).toContain(
      "ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING are required",
    );
  });

  it("refuses a production JWT_SECRET that is the development one or guessable, and says why", () => {
    const production = (secret: string) =>
      problemsOf(() =>
        loadConfig({
          root: root(),
          env: {
            ROA2WEB_ENV: "production",
            ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
            JWT_SECRET: secret,
          },
        }),
      ).join("\n");
    expect(production(DEVELOPMENT_JWT_SECRET)).toContain(
      "JWT_SECRET is the development secret written in roa2web's source code",
    );
    expect(production("x".repeat(40))).toMatch(/JWT_SECRET looks guessable: about \d+ bits/);
    expect(production("abcdefgh".repeat(5))).toContain("openssl rand -base64 48");
    expect(
      loadConfig({
        root: root(),
        env: {
          ROA2WEB_ENV: "production",
          ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
          JWT_SECRET: STRONG_SECRET,
        },
      }).auth.jwtSecret,
    ).toBe(STRONG_SECRET);
  });

  it("reads TRUST_PROXY as Fastify's trustProxy takes it, trusting nobody by default", () => {
    const trust = (value?: string, environment = "development") =>
      loadConfig({
        root: root(),
        env: {
          ROA2WEB_ENV: environment,
          JWT_SECRET: STRONG_SECRET,
          ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
          ...(value === undefined ? {} : { TRUST_PROXY: value }),
        },
      }).http.trustProxy;
    expect(trust()).toBe(false);
    expect(trust(undefined, "production")).toBe(false);
    // This checkout's config/production.env, as a production install reads it.
    const shipped = loadConfig({
      root: fileURLToPath(new URL("../../../../", import.meta.url)),
      ignoreDotenv: true,
      env: {
        ROA2WEB_ENV: "production",
        JWT_SECRET: STRONG_SECRET,
        ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
      },
    });
    expect(shipped.http.trustProxy).toBe(false);
    expect(trust("127.0.0.1")).toEqual(["127.0.0.1"]);
    expect(trust("127.0.0.1, 10.0.0.0/8,loopback")).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
      "loopback",
    ]);
    expect(trust("2")).toBe(2);
    expect(trust("0")).toBe(false);
    expect(trust("false")).toBe(false);
    expect(trust("true")).toBe(true);
    const problems = problemsOf(() =>
      loadConfig({ root: root(), env: { TRUST_PROXY: "proxy.local,10.0.0.0/40" } }),
    ).join("\n");
    expect(problems).toContain('"proxy.local" is not an IP address');
    expect(problems).toContain('"10.0.0.0/40" has a prefix length outside 0–32');
  });

  it("refuses a malformed PLUGIN_TRUSTED_KEYS entry at start, and keeps the packages under DATA_DIR", () => {
    const dir = root();
    const good = generatePackageKeyPair().publicKey;
    const problems = problemsOf(() =>
      loadConfig({ root: dir, env: { PLUGIN_TRUSTED_KEYS: `${good},ed25519:not-a-key` } }),
    );
    expect(problems).toEqual([expect.stringMatching(/^PLUGIN_TRUSTED_KEYS: .*ed25519:not-a-key/)]);
    const settings = loadConfig({ root: dir, env: { PLUGIN_TRUSTED_KEYS: good, DATA_DIR: "./d" } });
    expect(settings.plugins.trustedKeys).toEqual([good]);
    expect(settings.plugins.packagesDir).toBe(path.join(dir, "d", "plugin-packages"));
  });

  it("never creates the demo user in production", () => {
    const settings = loadConfig({
      root: root(),
      env: {
        ROA2WEB_ENV: "production",
        JWT_SECRET: STRONG_SECRET,
        ORACLE_USER: "contafin_oracle",
        ORACLE_PASSWORD: "secret",
        ORACLE_CONNECT_STRING: "db:1521/ROA",
        AUTH_CREATE_DEMO_USER: "true",
      },
    });
    expect(settings.auth.createDemoUser).toBe(false);
    expect(settings.erp.adapter).toBe("oracle");
    expect(settings.erp.oracle).toMatchObject({ poolMin: 2, poolMax: 10 });
  });

  it("puts the OpenAPI docs behind sign-in in production, public elsewhere, as OPENAPI_DOCS says", () => {
    const production = {
      ROA2WEB_ENV: "production",
      JWT_SECRET: "Qm9vdHN0cmFwLXRlc3Qtc2VjcmV0LWZvci1vcGVuYXBpLWRvY3M=",
      ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
    };
    expect(loadConfig({ root: root(), env: production }).http.openApiDocs).toBe("signed-in");
    expect(loadConfig({ root: root(), env: {} }).http.openApiDocs).toBe("public");
    expect(
      loadConfig({ root: root(), env: { ...production, OPENAPI_DOCS: "off" } }).http.openApiDocs,
    ).toBe("off");
    const problems = problemsOf(() =>
      loadConfig({ root: root(), env: { OPENAPI_DOCS: "private" } }),
    );
    expect(problems.join("\n")).toContain("OPENAPI_DOCS");
  });

  it("chooses the ERP adapter: ERP_ADAPTER when set, a file path from the project root", () => {
    const dir = root();
    const oracle = {
      ORACLE_USER: "contafin_oracle",
      ORACLE_PASSWORD: "secret",
      ORACLE_CONNECT_STRING: "db:1521/ROA",
    };
    expect(loadConfig({ root: dir, env: oracle }).erp.adapter).toBe("oracle");
    expect(
      loadConfig({ root: dir, env: { ...oracle, ERP_ADAPTER: "@acme/roa-erp-replica" } }).erp
        .adapter,
    ).toBe("@acme/roa-erp-replica");
    expect(
      loadConfig({ root: dir, env: { ERP_ADAPTER: "./adapters/replica.mjs" } }).erp.adapter,
    ).toBe(path.join(dir, "adapters", "replica.mjs"));
    expect(
      problemsOf(() => loadConfig({ root: dir, env: { ERP_ADAPTER: "oracle" } })).join("\n"),
    ).toContain("ERP_ADAPTER=oracle needs ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING");
  });

  it("lets production name its own ERP adapter without allowing the demo ERP", () => {
    const settings = loadConfig({
      root: root(),
      env: {
        ROA2WEB_ENV: "production",
        JWT_SECRET: STRONG_SECRET,
        ERP_ADAPTER: "@acme/roa-erp-replica",
      },
    });
    expect(settings.erp.adapter).toBe("@acme/roa-erp-replica");
  });

  it("names the missing Oracle variables when Oracle is partly configured", () => {
    const problems = problemsOf(() => loadConfig({ root: root(), env: { ORACLE_USER: "u" } }));
    expect(problems[0]).toContain("ORACLE_PASSWORD, ORACLE_CONNECT_STRING");
  });

  it("puts the databases on PostgreSQL only for a postgres:// DATABASE_URL, never quoting it back", () => {
    const dir = root();
    expect(loadConfig({ root: dir, env: {} }).database).toEqual({
      url: undefined,
      poolMax: 10,
      connectTimeoutMs: 5000,
      queryTimeoutMs: 30_000,
      peerHeartbeatMs: 5000,
      peerForgetMs: 30_000,
    });
    const url = "postgresql://roa:s3cret-pw@db.internal:5432/books";
    expect(
      loadConfig({
        root: dir,
        env: {
          DATABASE_URL: url,
          DATABASE_POOL_MAX: "25",
          DATABASE_CONNECT_TIMEOUT_MS: "2000",
          DATABASE_QUERY_TIMEOUT_MS: "120000",
          PEER_HEARTBEAT_MS: "1000",
          PEER_FORGET_MS: "8000",
        },
      }).database,
    ).toEqual({
      url,
      poolMax: 25,
      connectTimeoutMs: 2000,
      queryTimeoutMs: 120_000,
      peerHeartbeatMs: 1000,
      peerForgetMs: 8000,
    });
    for (const bad of [
      "mysql://roa:s3cret-pw@db.internal/books",
      "roa:s3cret-pw@db.internal/books",
      "postgres://roa:s3cret-pw@/",
    ]) {
      const problems = problemsOf(() => loadConfig({ root: dir, env: { DATABASE_URL: bad } }));
      expect(problems).toEqual([expect.stringContaining("DATABASE_URL must")]);
      expect(problems.join()).not.toContain("s3cret-pw");
    }
    expect(problemsOf(() => loadConfig({ root: dir, env: { DATABASE_POOL_MAX: "0" } }))).toEqual([
      expect.stringContaining("DATABASE_POOL_MAX"),
    ]);
    // A time-out of 0 would mean "wait for ever", which is what the settings are against;
    // one over two minutes to connect is a typo; a statement may run up to an hour.
    for (const [name, value] of [
      ["DATABASE_CONNECT_TIMEOUT_MS", "0"],
      ["DATABASE_CONNECT_TIMEOUT_MS", "300000"],
      ["DATABASE_QUERY_TIMEOUT_MS", "0"],
      ["DATABASE_QUERY_TIMEOUT_MS", "3600001"],
      ["DATABASE_QUERY_TIMEOUT_MS", "30s"],
    ] as const) {
      expect(problemsOf(() => loadConfig({ root: dir, env: { [name]: value } }))).toEqual([
        expect.stringContaining(name),
      ]);
    }
  });

  it("follows other kernels' plugin changes every 2 s on a shared PostgreSQL, never on SQLite by default", () => {
    const dir = root();
    const url = "postgres://roa@db.internal:5432/books";
    expect(loadConfig({ root: dir, env: {} }).plugins.syncIntervalMs).toBe(0);
    expect(loadConfig({ root: dir, env: { DATABASE_URL: url } }).plugins.syncIntervalMs).toBe(2000);
    expect(
      loadConfig({ root: dir, env: { DATABASE_URL: url, PLUGIN_SYNC_INTERVAL_MS: "0" } }).plugins
        .syncIntervalMs,
    ).toBe(0);
    expect(
      loadConfig({ root: dir, env: { PLUGIN_SYNC_INTERVAL_MS: "500" } }).plugins.syncIntervalMs,
    ).toBe(500);
  });

  it("reads MODULE_<NAME>_ENABLED switches", () => {
    const settings = loadConfig({
      root: root(),
      env: { MODULE_DATA_ENTRY_ENABLED: "false", MODULE_REPORTS_ENABLED: "1" },
    });
    expect(settings.plugins.switches).toEqual({ DATA_ENTRY: false, REPORTS: true });
  });

  it("rejects an unknown environment", () => {
    expect(() => loadConfig({ root: root(), env: { ROA2WEB_ENV: "staging" } })).toThrow(
      ConfigError,
    );
  });
});

describe("plugin settings", () => {
  it("shows a plugin only its own namespace, prefix removed", () => {
    const settings = createPluginSettings("data-entry", {
      DATA_ENTRY_OCR_WORKERS: "3",
      DATA_ENTRY_STRICT: "yes",
      REPORTS_SECRET: "not yours",
      JWT_SECRET: "not yours either",
    });
    expect(settings.values).toEqual({ OCR_WORKERS: "3", STRICT: "yes" });
    expect(settings.number("OCR_WORKERS", 1)).toBe(3);
    expect(settings.boolean("STRICT", false)).toBe(true);
    expect(settings.string("MISSING", "fallback")).toBe("fallback");
  });

  it("names the variable when a value is malformed", () => {
    const settings = createPluginSettings("reports", { REPORTS_TTL: "soon" });
    expect(() => settings.number("TTL", 1)).toThrow("REPORTS_TTL must be a number");
  });
});
