/**
 * The kernel's typed settings. Every field has a development default; production
 * refuses to start without its secrets (see `validateForEnvironment`).
 */
export type Environment = "development" | "test" | "production";
export type OpenApiDocs = "public" | "signed-in" | "off";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface OracleSettings {
  user: string;
  password: string;
  connectString: string;
  poolMin: number;
  poolMax: number;
  /** ms a request waits for a free pooled connection before failing. */
  queueTimeoutMs: number;
  /** seconds to establish a new connection (node-oracledb `connectTimeout`). */
  connectTimeoutSeconds: number;
  /** ms a single statement may run (node-oracledb `callTimeout`). */
  callTimeoutMs: number;
  /** Stored procedure that checks ERP credentials. */
  authProcedure: string;
}

export interface KernelSettings {
  environment: Environment;
  /** The project root: `config/` and `.env` are read there, relative paths resolve against it. */
  root: string;
  host: string;
  port: number;
  dataDir: string;
  /** Public base URL, for links the kernel writes (docs, Telegram webhook). */
  publicUrl: string | undefined;
  log: {
    level: LogLevel;
    pretty: boolean;
    /** Log one line per request at info (otherwise only errors and slow requests). */
    requests: boolean;
    slowRequestMs: number;
    /** A plugin route (or anything) that holds the event loop this long is named in the log and /health; 0 = off. */
    loopBlockMs: number;
  };
  http: {
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /** ms the kernel waits for in-flight requests on shutdown or plugin swap. */
    drainTimeoutMs: number;
    corsOrigins: string[];
    /**
     * Peers whose X-Forwarded-* headers count (Fastify's `trustProxy`): false (nobody),
     * a hop count, or addresses/CIDR ranges. `true` (everybody) only when written out.
     */
    trustProxy: boolean | number | string[];
    /**
     * The OpenAPI document and its UI at /api/docs: `public` (both, to anyone),
     * `signed-in` (the document to a valid access token; no UI, which cannot send
     * one), `off` (neither).
     */
    openApiDocs: OpenApiDocs;
  };
  auth: {
    provider: "local" | "oracle";
    jwtSecret: string;
    /** Whether jwtSecret was given (production requires it). */
    jwtSecretProvided: boolean;
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    /** Absolute lifetime of a refresh-token family (rotation never extends it). */
    refreshTokenTtlSeconds: number;
    /** Failed sign-ins per client address per window (then 429 until the window ends). */
    loginRateLimit: { max: number; windowMs: number };
    /** Failed sign-ins per account: a growing delay between attempts, never a lock. */
    loginAccountBackoff: {
      freeAttempts: number;
      baseDelayMs: number;
      maxDelayMs: number;
      forgetMs: number;
    };
    /** How often a running server re-reads whose sessions ended (the users command writes them). */
    sessionRecheckMs: number;
    /** Create demo/demo with every permission when the user table is empty (never in production). */
    createDemoUser: boolean;
    /** Permissions given to users who sign in through the ERP and have no local grants yet. */
    oracleDefaultPermissions: string[];
  };
  erp: {
    /**
     * Which ERP adapter opens the books (`ERP_ADAPTER`, ADR 0017): `oracle` (built in), a
     * package name, or an absolute file path of a module whose default export is an
     * `ErpAdapter`. Unset: `oracle` when ORACLE_* is set, else the demo ERP package.
     */
    adapter: string;
    oracle: OracleSettings | undefined;
    /** ms /health waits for the ERP before calling it down. */
    healthTimeoutMs: number;
  };
  database: {
    /**
     * `DATABASE_URL` (postgres:// or postgresql://): the kernel's and every plugin's
     * database on PostgreSQL, each in its own schema (ADR 0028). Unset: SQLite files
     * under dataDir.
     */
    url: string | undefined;
    /** Largest number of connections each data source's pool opens (`DATABASE_POOL_MAX`). */
    poolMax: number;
    /**
     * ms a request waits for a connection, a new one or one of a full pool, before the
     * database counts as lost (`DATABASE_CONNECT_TIMEOUT_MS`, ADR 0039).
     */
    connectTimeoutMs: number;
    /**
     * ms one statement may run: PostgreSQL cancels it then (`statement_timeout`), and
     * the kernel closes a connection whose server has not answered a second later
     * (`DATABASE_QUERY_TIMEOUT_MS`, ADR 0039). Migrations and the copy are not bound.
     */
    queryTimeoutMs: number;
    /** How often this kernel writes its row among the peers (`PEER_HEARTBEAT_MS`); 0 = never. */
    peerHeartbeatMs: number;
    /** A kernel not seen for this long is no longer a peer (`PEER_FORGET_MS`). */
    peerForgetMs: number;
  };
  cache: {
    /** `CACHE_URL`; REDIS_URL when that is set, else the SQLite file in DATA_DIR. */
    url: string;
    l1MaxEntries: number;
    defaultTtlMs: number;
    sweepIntervalMs: number;
  };
  /** Shared state for several kernels (ADR 0029). */
  redis: {
    /** `REDIS_URL`: cache L2, sign-in limits and leases on Redis. Unset: all in this process / DATA_DIR. */
    url: string | undefined;
    /** `REDIS_KEY_PREFIX` (default `roa2web:`), before every key and channel. */
    keyPrefix: string;
  };
  plugins: {
    /** Folders scanned for plugin packages (the workspace's plugins/ and PLUGINS_DIR). */
    directories: string[];
    /** MODULE_<NAME>_ENABLED values, keyed by the upper-case namespace. */
    switches: Record<string, boolean>;
    /** Where installed plugin packages unpack, one folder per name and version (`PLUGIN_PACKAGES_DIR`). */
    packagesDir: string;
    /** Public keys whose signature makes a package trusted (`PLUGIN_TRUSTED_KEYS`, `ed25519:<base64>` each). */
    trustedKeys: string[];
    /** Largest package archive an upload may send (`PLUGIN_PACKAGE_MAX_BYTES`). */
    maxPackageBytes: number;
    /**
     * PLUGIN_RELOAD: `handover` (a reload starts a fresh kernel process and hands the
     * socket over, so replaced code is dropped; only under the supervisor) or
     * `in-process` (a new instance from the code already loaded).
     */
    reload: "handover" | "in-process";
    /**
     * PLUGIN_SYNC_INTERVAL_MS: how often this kernel reads the plugins' stored state to
     * follow changes made through other kernels sharing its database; 0 = never. Default:
     * 2000 with DATABASE_URL, 0 on SQLite (one kernel).
     */
    syncIntervalMs: number;
    /**
     * PLUGIN_UI_RELOAD: what an open page does when a new version of its plugin arrives —
     * `live` loads the new UI in place (the dev loop), `notice` keeps the page and offers
     * a reload. Default: `notice` in production, `live` elsewhere.
     */
    uiReload: "live" | "notice";
  };
  /** Folder of the built web shell, served at `/`. */
  uiShellDir: string | undefined;
  /** Every variable of the environment, for plugin namespaces. */
  env: Readonly<Record<string, string>>;
  /** Where `env` came from, so a plugin reload can read the files again (`readEnvironment`). */
  envSources: EnvironmentSources;
}

/** The files behind the environment (lowest precedence first) and the variables that override them. */
export interface EnvironmentSources {
  files: readonly string[];
  overrides: Readonly<Record<string, string>>;
}
