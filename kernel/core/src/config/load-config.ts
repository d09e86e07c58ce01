/**
 * Builds the kernel settings from, in order of precedence: the process environment,
 * a `.env` file in the project root, and `config/<environment>.env` (per-environment
 * defaults, no secrets). ROA2WEB_ENV picks the environment (default development).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseDotenv } from "dotenv";
import { trustEntryProblem } from "../http/trust-proxy.js";
import { parseTrustedKey } from "../packages/keys.js";
import { ConfigError, EnvReader } from "./parse.js";
import { DEVELOPMENT_JWT_SECRET, secretWeakness } from "./secret-strength.js";
import type {
  Environment,
  EnvironmentSources,
  KernelSettings,
  LogLevel,
  OracleSettings,
} from "./settings.js";

const ENVIRONMENTS: readonly Environment[] = ["development", "test", "production"];
const LOG_LEVELS: readonly LogLevel[] = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
];

export interface LoadConfigOptions {
  /** The environment to read (defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Project root holding `config/` and `.env` (defaults to the nearest folder with `config/` above cwd). */
  root?: string;
  /** Skip the `.env` file (tests). */
  ignoreDotenv?: boolean;
}

export function findProjectRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, "config")) && existsSync(path.join(dir, "pnpm-workspace.yaml")))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

function readEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

/**
 * The environment as the sources say now: the files read again (an edited `.env` or
 * `config/<environment>.env` takes effect), the process's variables on top.
 */
export function readEnvironment(sources: EnvironmentSources): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of sources.files) Object.assign(merged, readEnvFile(file));
  return Object.assign(merged, sources.overrides);
}

export function loadConfig(options: LoadConfigOptions = {}): KernelSettings {
  const root = options.root ?? findProjectRoot();
  const processEnv = options.env ?? process.env;
  const environmentName = processEnv.ROA2WEB_ENV?.trim() || "development";
  if (!(ENVIRONMENTS as readonly string[]).includes(environmentName)) {
    throw new ConfigError([
      `ROA2WEB_ENV must be one of ${ENVIRONMENTS.join(", ")} (got "${environmentName}")`,
    ]);
  }
  const environment = environmentName as Environment;
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(processEnv))
    if (value !== undefined) overrides[key] = value;
  const envSources: EnvironmentSources = {
    files: [
      path.join(root, "config", `${environment}.env`),
      ...(options.ignoreDotenv ? [] : [path.join(root, ".env")]),
    ],
    overrides: Object.freeze(overrides),
  };
  const merged = readEnvironment(envSources);
  const read = new EnvReader(merged);
  const resolvePath = (value: string) => path.resolve(root, value);
  const production = environment === "production";

  const dataDir = resolvePath(read.string("DATA_DIR", "./data"));
  const jwtSecretRaw = read.raw("JWT_SECRET");
  if (jwtSecretRaw !== undefined && jwtSecretRaw.length < 32) {
    read.problems.push("JWT_SECRET must be at least 32 characters long");
  }

  const databaseUrl = readDatabaseUrl(read);
  const oracle = readOracle(read);
  const chosenAdapter = read.raw("ERP_ADAPTER");
  const erpAdapter = readErpAdapter(chosenAdapter, oracle, resolvePath, read);
  const authProvider = read.oneOf("AUTH_PROVIDER", ["local", "oracle"] as const, "local");
  if (authProvider === "oracle" && erpAdapter !== "oracle") {
    read.problems.push(
      "AUTH_PROVIDER=oracle needs the ERP on Oracle: set ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING",
    );
  }

  const switches: Record<string, boolean> = {};
  for (const key of Object.keys(merged)) {
    const match = /^MODULE_([A-Z0-9_]+)_ENABLED$/.exec(key);
    if (match?.[1]) switches[match[1]] = read.boolean(key, true);
  }

  // REDIS_URL (ADR 0029): the L2 cache, sign-in limits and leases shared by several kernels.
  const redisUrl = read.raw("REDIS_URL") || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//i.test(redisUrl)) {
    // Never echo the URL: it can hold a password.
    read.problems.push("REDIS_URL must start with redis:// or rediss://");
  }

  const settings: KernelSettings = {
    environment,
    root,
    host: read.string("HOST", production ? "0.0.0.0" : "127.0.0.1"),
    port: read.integer("PORT", 8000, 0, 65535),
    dataDir,
    publicUrl: read.raw("PUBLIC_URL"),
    log: {
      level: read.oneOf("LOG_LEVEL", LOG_LEVELS, environment === "test" ? "silent" : "info"),
      pretty: read.boolean(
        "LOG_PRETTY",
        environment === "development" && process.stdout.isTTY === true,
      ),
      requests: read.boolean("LOG_REQUESTS", false),
      slowRequestMs: read.integer("LOG_SLOW_REQUEST_MS", 1000, 0),
      loopBlockMs: read.integer("LOG_EVENT_LOOP_BLOCK_MS", 500, 0),
    },
    http: {
      bodyLimitBytes: read.integer("HTTP_BODY_LIMIT_BYTES", 1024 * 1024, 1024),
      requestTimeoutMs: read.integer("HTTP_REQUEST_TIMEOUT_MS", 120_000, 1000),
      keepAliveTimeoutMs: read.integer("HTTP_KEEP_ALIVE_TIMEOUT_MS", 72_000, 1000),
      drainTimeoutMs: read.integer("HTTP_DRAIN_TIMEOUT_MS", 10_000, 0),
      corsOrigins: read.list("CORS_ORIGINS", []),
      trustProxy: readTrustProxy(read),
      // The whole API described is a map for an attacker: not public in production.
      openApiDocs: read.oneOf(
        "OPENAPI_DOCS",
        ["public", "signed-in", "off"] as const,
        production ? "signed-in" : "public",
      ),
    },
    auth: {
      provider: authProvider,
      jwtSecret: jwtSecretRaw ?? DEVELOPMENT_JWT_SECRET,
      jwtSecretProvided: jwtSecretRaw !== undefined,
      issuer: read.string("JWT_ISSUER", "roa2web"),
      audience: read.string("JWT_AUDIENCE", "roa2web-api"),
      accessTokenTtlSeconds: read.integer("ACCESS_TOKEN_TTL_SECONDS", 15 * 60, 30, 24 * 3600),
      refreshTokenTtlSeconds: read.integer("REFRESH_TOKEN_TTL_SECONDS", 7 * 24 * 3600, 60),
      loginRateLimit: {
        max: read.integer("LOGIN_RATE_LIMIT_MAX", 5, 1),
        windowMs: read.integer("LOGIN_RATE_LIMIT_WINDOW_MS", 5 * 60 * 1000, 1000),
      },
      loginAccountBackoff: {
        freeAttempts: read.integer("LOGIN_ACCOUNT_FREE_ATTEMPTS", 5, 1, 1000),
        baseDelayMs: read.integer("LOGIN_ACCOUNT_BACKOFF_MS", 1000, 1, 3_600_000),
        maxDelayMs: read.integer("LOGIN_ACCOUNT_BACKOFF_MAX_MS", 60_000, 1, 3_600_000),
        // Quiet for this long after the last failure, an account starts afresh.
        forgetMs: 60 * 60 * 1000,
      },
      sessionRecheckMs: read.integer("AUTH_SESSION_RECHECK_MS", 5000, 50, 60_000),
      createDemoUser:
        !production && read.boolean("AUTH_CREATE_DEMO_USER", environment === "development"),
      oracleDefaultPermissions: read.list("AUTH_ORACLE_DEFAULT_PERMISSIONS", ["reports:read"]),
    },
    erp: {
      adapter: erpAdapter,
      oracle,
      healthTimeoutMs: read.integer("ERP_HEALTH_TIMEOUT_MS", 300, 10, 5000),
    },
    database: {
      url: databaseUrl,
      poolMax: read.integer("DATABASE_POOL_MAX", 10, 1, 1000),
      connectTimeoutMs: read.integer("DATABASE_CONNECT_TIMEOUT_MS", 5000, 100, 120_000),
      queryTimeoutMs: read.integer("DATABASE_QUERY_TIMEOUT_MS", 30_000, 100, 3_600_000),
      peerHeartbeatMs: read.integer("PEER_HEARTBEAT_MS", 5000, 0, 60_000),
      peerForgetMs: read.integer("PEER_FORGET_MS", 30_000, 1000, 24 * 3600 * 1000),
    },
    cache: {
      url: read.string("CACHE_URL", redisUrl ?? `sqlite://${path.join(dataDir, "cache.db")}`),
      l1MaxEntries: read.integer("CACHE_L1_MAX_ENTRIES", 1000, 1),
      defaultTtlMs: read.integer("CACHE_DEFAULT_TTL_MS", 5 * 60 * 1000, 1),
      sweepIntervalMs: read.integer("CACHE_SWEEP_INTERVAL_MS", 10 * 60 * 1000, 1000),
    },
    redis: {
      url: redisUrl,
      keyPrefix: read.string("REDIS_KEY_PREFIX", "roa2web:"),
    },
    plugins: {
      directories: [
        resolvePath(read.string("PLUGINS_WORKSPACE_DIR", "./plugins")),
        ...read.list("PLUGINS_DIR", []).map(resolvePath),
      ],
      switches,
      packagesDir: resolvePath(
        read.string("PLUGIN_PACKAGES_DIR", path.join(dataDir, "plugin-packages")),
      ),
      trustedKeys: read.list("PLUGIN_TRUSTED_KEYS", []),
      maxPackageBytes: read.integer(
        "PLUGIN_PACKAGE_MAX_BYTES",
        50 * 1024 * 1024,
        1024,
        1024 * 1024 * 1024,
      ),
      reload: read.oneOf("PLUGIN_RELOAD", ["handover", "in-process"] as const, "handover"),
      // Kernels sharing a PostgreSQL database follow each other's plugin changes.
      syncIntervalMs: read.integer(
        "PLUGIN_SYNC_INTERVAL_MS",
        databaseUrl === undefined ? 0 : 2000,
        0,
        60 * 60 * 1000,
      ),
      uiReload: read.oneOf(
        "PLUGIN_UI_RELOAD",
        ["live", "notice"] as const,
        production ? "notice" : "live",
      ),
    },
    uiShellDir: resolvePath(read.string("UI_SHELL_DIR", "./ui-shell/dist")),
    env: Object.freeze({ ...merged }),
    envSources,
  };

  if (production) {
    if (!settings.auth.jwtSecretProvided) {
      read.problems.push(
        "JWT_SECRET is required in production: make one with `openssl rand -base64 48`",
      );
    } else if (jwtSecretRaw !== undefined && jwtSecretRaw.length >= 32) {
      // Whoever knows it can sign a token for anyone with every permission.
      const weakness = secretWeakness(jwtSecretRaw);
      if (weakness) {
        read.problems.push(`JWT_SECRET ${weakness}: make one with \`openssl rand -base64 48\``);
      }
    }
    if (!chosenAdapter && !oracle && !read.boolean("ALLOW_DEMO_ERP_IN_PRODUCTION", false)) {
      read.problems.push(
        "ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING are required in production (or set ALLOW_DEMO_ERP_IN_PRODUCTION=true)",
      );
    }
  }
  for (const key of settings.plugins.trustedKeys) {
    try {
      parseTrustedKey(key);
    } catch (error) {
      read.problems.push(`PLUGIN_TRUSTED_KEYS: ${(error as Error).message}`);
    }
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return settings;
}

/**
 * DATABASE_URL: a PostgreSQL URL or nothing (SQLite). The problem never quotes the
 * value: it usually carries the password.
 */
function readDatabaseUrl(read: EnvReader): string | undefined {
  const value = read.raw("DATABASE_URL");
  if (value === undefined) return undefined;
  const problem = databaseUrlProblem(value, "DATABASE_URL");
  if (problem === undefined) return value;
  read.problems.push(problem);
  return undefined;
}

/**
 * Why `value` is not a PostgreSQL URL naming a host and a database, or undefined when it
 * is; `name` is the setting or option it came from (`DATABASE_URL`, `--to`).
 */
export function databaseUrlProblem(value: string, name: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !["postgres:", "postgresql:"].includes(url.protocol)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
    return `${name} must be a PostgreSQL URL like postgres://user:password@host:5432/database${name === "DATABASE_URL" ? ", or unset for SQLite under DATA_DIR" : ""} (got ${scheme ? `a ${scheme}: URL` : "something that is not a URL"}; the value is not shown, it may hold a password)`;
  }
  if (
    (url.hostname === "" && !url.searchParams.has("host")) ||
    url.pathname.replace(/^\//, "") === ""
  ) {
    return `${name} must name the host and the database, like postgres://user:password@host:5432/database (the value is not shown, it may hold a password)`;
  }
  return undefined;
}

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: off, a hop count, or a list of
 * addresses and CIDR ranges. `true` must be written out (the kernel warns at start);
 * "1" is one hop, not `true`.
 */
function readTrustProxy(read: EnvReader): boolean | number | string[] {
  const value = read.raw("TRUST_PROXY");
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (["false", "no", "off", "0"].includes(lower)) return false;
  if (lower === "true") return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 10) return hops;
  }
  const entries = read.list("TRUST_PROXY", []);
  const problems = entries.map(trustEntryProblem).filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    read.problems.push(
      `TRUST_PROXY must be false, a hop count (1-10), true, or the proxies' addresses/CIDR ranges like 127.0.0.1,10.0.0.0/8 (${problems.join("; ")})`,
    );
    return false;
  }
  return entries;
}

/**
 * The demo ERP's package, by name only: the kernel never imports it, and a deployment
 * that does not install it names another adapter or configures Oracle (ADR 0017).
 */
export const DEFAULT_ERP_ADAPTER = "@roa2web/demo-erp";

function readErpAdapter(
  chosen: string | undefined,
  oracle: OracleSettings | undefined,
  resolvePath: (value: string) => string,
  read: EnvReader,
): string {
  if (chosen === undefined) return oracle ? "oracle" : DEFAULT_ERP_ADAPTER;
  if (chosen === "oracle" && !oracle) {
    read.problems.push(
      "ERP_ADAPTER=oracle needs ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING",
    );
  }
  // A file path is taken from the project root, like DATA_DIR; a package name is imported as is.
  return chosen.startsWith(".") || path.isAbsolute(chosen) ? resolvePath(chosen) : chosen;
}

function readOracle(read: EnvReader): OracleSettings | undefined {
  const user = read.raw("ORACLE_USER");
  const password = read.raw("ORACLE_PASSWORD") ?? readSecretFile(read, "ORACLE_PASSWORD_FILE");
  const connectString = read.raw("ORACLE_CONNECT_STRING");
  const given = [user, password, connectString].filter((value) => value !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3 || !user || !password || !connectString) {
    const missing = [
      ["ORACLE_USER", user],
      ["ORACLE_PASSWORD", password],
      ["ORACLE_CONNECT_STRING", connectString],
    ]
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    read.problems.push(
      `Oracle is partly configured: set ${missing.join(", ")} too (or none of them for the demo ERP)`,
    );
    return undefined;
  }
  const authProcedure = read.string("ORACLE_AUTH_PROCEDURE", "pack_drepturi.verificautilizator");
  // Written into a PL/SQL block, so it must be a plain (schema.)package.function name.
  if (!/^[A-Za-z][\w$#]*(\.[A-Za-z][\w$#]*){0,2}$/.test(authProcedure)) {
    read.problems.push(
      `ORACLE_AUTH_PROCEDURE must be a procedure name like pack_drepturi.verificautilizator (got "${authProcedure}")`,
    );
  }
  const poolMin = read.integer("ORACLE_POOL_MIN", 2, 0, 100);
  const poolMax = read.integer("ORACLE_POOL_MAX", 10, 1, 100);
  if (poolMin > poolMax) read.problems.push("ORACLE_POOL_MIN must not exceed ORACLE_POOL_MAX");
  return {
    user,
    password,
    connectString,
    poolMin,
    poolMax,
    queueTimeoutMs: read.integer("ORACLE_QUEUE_TIMEOUT_MS", 5000, 0),
    connectTimeoutSeconds: read.integer("ORACLE_CONNECT_TIMEOUT_SECONDS", 10, 1),
    callTimeoutMs: read.integer("ORACLE_CALL_TIMEOUT_MS", 60_000, 0),
    authProcedure,
  };
}

function readSecretFile(read: EnvReader, name: string): string | undefined {
  const file = read.raw(name);
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    read.problems.push(
      `${name} points at a file that cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
    return undefined;
  }
}
