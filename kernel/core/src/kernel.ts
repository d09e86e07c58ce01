/**
 * Composes the kernel: opens the shared resources in parallel, registers them in the
 * root container, discovers and starts plugins, builds the first route generation
 * and listens. `stop()` reverses it: stop accepting, drain, stop plugins, close pools.
 */
import os from "node:os";
import type { KernelUsersService } from "@roa2web/plugin-sdk";
import { asValue, createContainer, InjectionMode } from "awilix";
import type { DataSource } from "typeorm";
import { AccessTokens } from "./auth/access-tokens.js";
import { AuthService } from "./auth/auth-service.js";
import { LoginThrottle } from "./auth/login-throttle.js";
import { FailoverLoginAttemptStore } from "./auth/redis-login-attempts.js";
import { RefreshTokens } from "./auth/refresh-tokens.js";
import { SqliteRevocationStore } from "./auth/revoked-access-tokens.js";
import { SessionCutoffs } from "./auth/session-cutoffs.js";
import { Users } from "./auth/users.js";
import { createCache, type TwoLevelCache } from "./cache/index.js";
import { readEnvironment } from "./config/load-config.js";
import type { KernelSettings } from "./config/settings.js";
import { RefreshTokenEntity, UserEntity } from "./database/kernel-entities.js";
import { KERNEL_MIGRATIONS } from "./database/kernel-migrations.js";
import { kernelDatabase, openDataSource } from "./database/open-data-source.js";
import { assertWritableDirectory } from "./database/writable-storage.js";
import { createErp, type ErpService } from "./erp/create-erp.js";
import { DatabaseWatch } from "./health/database-watch.js";
import { HealthRegistry } from "./health/health-registry.js";
import { LoopWatch } from "./health/loop-watch.js";
import { PeerHeartbeat } from "./health/peer-heartbeat.js";
import { installAccessControl } from "./http/access-control.js";
import { buildGeneration } from "./http/generation.js";
import { probePluginRoutes } from "./http/plugin-routes.js";
import { createSharedRateLimitStore, MemoryLoginAttemptStore } from "./http/rate-limit-store.js";
import { createDocumentHeaders } from "./http/security-headers.js";
import { Switchboard } from "./http/switchboard.js";
import { compilePeerTrust } from "./http/trust-proxy.js";
import type { KernelContainer, KernelCradle } from "./kernel-cradle.js";
import { KernelLeases } from "./leases/kernel-leases.js";
import { SqliteLeaseStore } from "./leases/lease-store.js";
import { RedisLeaseStore } from "./leases/redis-lease-store.js";
import { createLogger, type KernelLogger } from "./logging/create-logger.js";
import { EventHub } from "./plugins/event-hub.js";
import {
  handOverActivator,
  inProcessActivator,
  PackageInstaller,
} from "./plugins/package-installer.js";
import { openPackageFor } from "./plugins/package-opener.js";
import { PackageStore } from "./plugins/package-store.js";
import { PluginChanges } from "./plugins/plugin-changes.js";
import { PluginManager } from "./plugins/plugin-manager.js";
import { SqlitePluginStateStore } from "./plugins/plugin-state-store.js";
import { PluginSync } from "./plugins/plugin-sync.js";
import { ServiceDirectory } from "./plugins/service-registry.js";
import { RedisConnection } from "./redis/redis-connection.js";
import { type KernelSupervisor, UNSUPERVISED } from "./supervisor/protocol.js";
import { KERNEL_VERSION } from "./version.js";

export interface KernelOptions {
  /** A logger to use instead of one built from settings (tests, a supervised process). */
  logger?: KernelLogger;
  /** The supervisor this kernel process runs under (main.ts); none by default. */
  supervisor?: KernelSupervisor;
}

export interface Kernel {
  readonly settings: KernelSettings;
  readonly logger: KernelLogger;
  readonly container: KernelContainer;
  readonly plugins: PluginManager;
  readonly switchboard: Switchboard;
  readonly auth: AuthService;
  readonly users: Users;
  /**
   * Starts listening on settings.port/host, or on a socket the supervisor bound
   * (`handle`); returns the bound address.
   */
  listen(handle?: object): Promise<{ port: number; host: string; url: string }>;
  /** Graceful stop: stop accepting, drain, stop plugins, close resources. Idempotent. */
  stop(): Promise<void>;
}

async function timed<T>(logger: KernelLogger, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  logger.info({ step, ms: Math.round(performance.now() - started) }, `Startup: ${step}`);
  return result;
}

/** Opens resources, starts plugins and builds the first generation (does not listen yet). */
export async function createKernel(
  settings: KernelSettings,
  options: KernelOptions = {},
): Promise<Kernel> {
  const rootLogger = options.logger ?? createLogger(settings);
  const logger = rootLogger.child({ module: "kernel" });
  const startedAt = new Date();
  const bootStarted = performance.now();
  logger.info(
    { version: KERNEL_VERSION, environment: settings.environment, dataDir: settings.dataDir },
    "roa2web kernel starting",
  );
  // Refused by name before anything opens (main.ts exits 78): see writable-storage.ts.
  assertWritableDirectory(settings.dataDir);
  const { trustProxy } = settings.http;
  if (trustProxy === true || typeof trustProxy === "number") {
    logger.warn(
      { trustProxy },
      `TRUST_PROXY=${trustProxy} trusts X-Forwarded-For/-Proto from whoever connects: anyone who reaches this port without the proxy can fake their address (escaping the sign-in limit) and HTTPS. Name the proxy instead (TRUST_PROXY=127.0.0.1)`,
    );
  }

  // REDIS_URL: shared by the cache, the sign-in limits and the leases (ADR 0029). A Redis
  // that does not answer yet does not stop the kernel: it starts degraded and reconnects.
  const redisUrl = settings.redis.url;
  const redis =
    redisUrl === undefined
      ? undefined
      : await timed(logger, "redis", async () => {
          const connection = new RedisConnection({
            url: redisUrl,
            keyPrefix: settings.redis.keyPrefix,
            logger: rootLogger.child({ module: "redis" }),
          });
          await connection.open();
          return connection;
        });

  // Shared resources open in parallel; if one fails, the ones that opened are closed again.
  const opening = await Promise.allSettled([
    timed(logger, "erp", () => createErp(settings, rootLogger)),
    timed(logger, "kernel database", () =>
      openDataSource({
        location: kernelDatabase(settings),
        entities: [UserEntity, RefreshTokenEntity],
        migrations: KERNEL_MIGRATIONS,
        logger: rootLogger.child({ module: "kernel-db" }),
      }),
    ),
    timed(logger, "cache", () =>
      createCache({
        url: settings.cache.url,
        l1MaxEntries: settings.cache.l1MaxEntries,
        defaultTtlMs: settings.cache.defaultTtlMs,
        logger: rootLogger.child({ module: "cache" }),
        redisKeyPrefix: settings.redis.keyPrefix,
        ...(redis === undefined ? {} : { redis }),
      }),
    ),
  ]);
  const failed = opening.filter(
    (result): result is PromiseRejectedResult => result.status === "rejected",
  );
  if (failed.length > 0) {
    for (const result of opening) {
      if (result.status !== "fulfilled") continue;
      const value = result.value as { close?: () => unknown; dataSource?: DataSource };
      await Promise.resolve(value.dataSource ? value.dataSource.destroy() : value.close?.()).catch(
        () => undefined,
      );
    }
    await redis?.close();
    throw failed[0]?.reason;
  }
  const [erp, kernelDb, cache] = opening.map(
    (result) => (result as PromiseFulfilledResult<unknown>).value,
  ) as [ErpService, { dataSource: DataSource }, TwoLevelCache];
  cache.startSweeper(settings.cache.sweepIntervalMs);

  // "Exactly one kernel does X" among the kernels sharing DATA_DIR, or Redis (ADR 0026, 0029).
  const leases = new KernelLeases(
    redis
      ? new RedisLeaseStore(redis.client, redis.keyPrefix)
      : new SqliteLeaseStore(kernelDb.dataSource),
    rootLogger.child({ module: "leases" }),
  );
  // A lease that cannot be renewed is given up at once: better no poller than two.
  redis?.on("lost", () => leases.giveUpAll());
  const health = new HealthRegistry();
  health.register("erp", () => erp.health(), {
    critical: true,
    timeoutMs: settings.erp.healthTimeoutMs + 100,
  });
  // This kernel's row among its peers, rewritten every few seconds: a committed write, the
  // kernel database's probe too (a disk gone read-only or full still reads).
  const peers = new PeerHeartbeat(
    kernelDb.dataSource,
    {
      id: leases.holderId,
      host: os.hostname(),
      pid: process.pid,
      version: KERNEL_VERSION,
      startedAt,
    },
    {
      forgetMs: settings.database.peerForgetMs,
      ...(redis ? { redis: () => (redis.up ? "up" : "down") } : {}),
    },
  );
  const databaseWatch = new DatabaseWatch({
    engine: settings.database.url === undefined ? "sqlite" : "postgres",
    probe: () => peers.beat(),
    logger: rootLogger.child({ module: "kernel-db" }),
  });
  // SQLite that stops accepting writes takes the node down (503, out of the load
  // balancer). A lost PostgreSQL is every kernel's loss: each keeps serving what needs no
  // database and refuses writes with 503 (ADR 0034), so the node is degraded, not down.
  health.register("kernel-database", () => databaseWatch.health(), {
    critical: databaseWatch.engine === "sqlite",
  });
  // L1 keeps serving when L2 fails: degraded, never down.
  health.register("cache", () => cache.health());
  // Each user of Redis degrades on its own when it is lost: degraded, never down.
  if (redis) health.register("redis", () => redis.health());
  health.register("leases", () => leases.health());

  const loopWatch = new LoopWatch(settings.log.loopBlockMs, logger);
  health.register("event-loop", async () => loopWatch.health());

  const accessTokens = new AccessTokens(
    {
      secret: settings.auth.jwtSecret,
      issuer: settings.auth.issuer,
      audience: settings.auth.audience,
      ttlSeconds: settings.auth.accessTokenTtlSeconds,
    },
    new SqliteRevocationStore(kernelDb.dataSource),
    new SessionCutoffs(kernelDb.dataSource),
  );
  const restored = await accessTokens.restoreRevocations();
  // The users command (another process) ends sessions in the database: look every few
  // seconds (session-cutoffs.ts says why not per request).
  await accessTokens.recheckSessions();
  const sessionRecheck = setInterval(() => {
    accessTokens.recheckSessions().catch((error: unknown) => {
      // A lost database is logged once, by the watch, not every few seconds here.
      if (databaseWatch.failed(error)) return;
      logger.error({ err: error }, "Could not re-read which sessions ended; will try again");
    });
  }, settings.auth.sessionRecheckMs);
  sessionRecheck.unref();
  if (restored > 0) logger.info({ count: restored }, "Signed-out access tokens still refused");
  const users = new Users(kernelDb.dataSource);
  const refreshTokens = new RefreshTokens(
    kernelDb.dataSource,
    settings.auth.refreshTokenTtlSeconds,
    (familyId, userId) =>
      logger.warn(
        { familyId, userId },
        "A used refresh token was presented again: its whole family is revoked",
      ),
  );
  const auth = new AuthService(
    settings.auth,
    users,
    accessTokens,
    refreshTokens,
    rootLogger.child({ module: "auth" }),
    erp.verifyCredentials,
  );
  await auth.ensureDemoUser();

  const services = new ServiceDirectory();
  // Plugins may read a user's current grants (never passwords or tokens).
  const kernelUsers: KernelUsersService = {
    async grantsOf(userId: number) {
      const record = await users.findById(userId);
      if (!record || record.disabled) return undefined;
      return {
        username: record.username,
        permissions: [...record.permissions],
        companies: record.companies,
      };
    },
  };
  const events = new EventHub(logger);
  const pluginChanges = new PluginChanges();
  const switchboard = new Switchboard({
    requestTimeoutMs: settings.http.requestTimeoutMs,
    keepAliveTimeoutMs: settings.http.keepAliveTimeoutMs,
    drainTimeoutMs: settings.http.drainTimeoutMs,
    logger,
    headers: createDocumentHeaders(),
    trustsPeer: compilePeerTrust(settings.http.trustProxy),
    accessLog: {
      everyRequest: settings.log.requests,
      slowRequestMs: settings.log.slowRequestMs,
      logger: rootLogger,
    },
  });
  const container: KernelContainer = createContainer<KernelCradle>({
    injectionMode: InjectionMode.PROXY,
    strict: true,
  });
  container.register({
    settings: asValue(settings),
    kernelVersion: asValue(KERNEL_VERSION),
    startedAt: asValue(startedAt),
    logger: asValue(rootLogger),
    erp: asValue(erp.client),
    cache: asValue(cache),
    health: asValue(health),
    databaseWatch: asValue(databaseWatch),
    peers: asValue(peers),
    auth: asValue(auth),
    accessTokens: asValue(accessTokens),
    users: asValue(users),
    loginThrottle: asValue(
      new LoginThrottle(
        redis
          ? new FailoverLoginAttemptStore(redis, rootLogger.child({ module: "auth" }))
          : new MemoryLoginAttemptStore(),
        {
          address: settings.auth.loginRateLimit,
          account: settings.auth.loginAccountBackoff,
        },
      ),
    ),
    rateLimitStore: asValue(createSharedRateLimitStore()),
    loopWatch: asValue(loopWatch),
    services: asValue(services),
    events: asValue(events),
    pluginChanges: asValue(pluginChanges),
    supervisor: asValue(options.supervisor ?? UNSUPERVISED),
    currentGeneration: asValue(() => switchboard.generation),
    "core.erp": asValue(erp.client),
    "core.users": asValue(kernelUsers),
    leases: asValue(leases),
  });
  const packageStore = new PackageStore(kernelDb.dataSource, settings.plugins.packagesDir);
  // Rows this kernel changes name it, so the others follow them and it does not.
  const pluginStates = new SqlitePluginStateStore(kernelDb.dataSource, leases.holderId);
  const plugins = new PluginManager(container, {
    states: pluginStates,
    readEnvironment: () => readEnvironment(settings.envSources),
    packageRoots: () => packageStore.activeFolders(),
  });
  const packages = new PackageInstaller({
    store: packageStore,
    plugins,
    // Under the supervisor new code arrives in a fresh process (ES modules cannot be
    // unloaded), as a reload does; PLUGIN_RELOAD=in-process keeps it in this one.
    activator:
      options.supervisor?.supervised && settings.plugins.reload === "handover"
        ? handOverActivator(options.supervisor)
        : inProcessActivator(),
    open: openPackageFor(settings),
    production: settings.environment === "production",
    kernelVersion: KERNEL_VERSION,
    dataDir: settings.dataDir,
    logger,
  });
  container.register({
    plugins: asValue(plugins),
    packages: asValue(packages),
    pluginStates: asValue(pluginStates),
  });
  const pluginSync =
    settings.plugins.syncIntervalMs > 0
      ? new PluginSync({
          store: pluginStates,
          plugins,
          kernelId: leases.holderId,
          packages,
          intervalMs: settings.plugins.syncIntervalMs,
          logger: rootLogger.child({ module: "plugin-sync" }),
          // A lost database is logged once, by the watch, not every round here.
          reported: (error) => databaseWatch.failed(error),
        })
      : undefined;
  await pluginSync?.prime();
  if (await packageStore.hasAny()) {
    packageStore.prepare();
    const swept = await packageStore.sweep();
    if (swept.length > 0)
      logger.warn({ folders: swept }, "Deleted plugin package folders no install finished");
    // A new machine, or versions installed through other kernels while this one was down.
    await packages.installDesired();
  }
  const kernel = container.cradle;
  plugins.attachHttp(
    async (running, unavailable) => {
      const started = performance.now();
      const app = await buildGeneration(kernel, running, unavailable);
      await switchboard.swap(app);
      pluginChanges.changed(); // the shell's open pages learn of it (plugin-events-routes.ts)
      logger.info(
        {
          generation: switchboard.generation,
          plugins: running.map((instance) => instance.manifest.name),
          ms: Math.round(performance.now() - started),
        },
        "Route generation swapped in",
      );
    },
    (instance) =>
      probePluginRoutes(instance, (scratch) => installAccessControl(scratch, accessTokens)),
  );

  await timed(logger, "discover plugins", () => plugins.discover());
  await timed(logger, "start plugins", () => plugins.startEnabled());
  await packages.noteServing().catch((error: unknown) => {
    logger.warn({ err: error }, "Could not record which plugin packages this kernel serves");
  });
  if (switchboard.generation === 0) await switchboard.swap(await buildGeneration(kernel, []));
  logger.info(
    {
      ms: Math.round(performance.now() - bootStarted),
      plugins: plugins.list().map((record) => ({ name: record.name, state: record.state })),
    },
    "Kernel ready",
  );
  // Started once booted: opening databases and starting plugins hold the loop by design.
  loopWatch.start();
  pluginSync?.start();
  // Seen by the other kernels from now on; a failed beat tells the watch.
  await databaseWatch.check();
  databaseWatch.start(settings.database.peerHeartbeatMs);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("Shutting down: no new connections, draining requests");
      clearInterval(sessionRecheck);
      await switchboard.close();
      loopWatch.stop();
      databaseWatch.stop();
      // Gone from the peers at once, not after PEER_FORGET_MS.
      await peers.stop();
      await pluginSync?.stop();
      await plugins.stopAll();
      // Released now, so a kernel standing by takes each lease within a second.
      await leases.stopAll();
      await Promise.allSettled([
        Promise.resolve(erp.close()),
        kernelDb.dataSource.destroy(),
        cache.close(),
      ]);
      await redis?.close();
      await container.dispose();
      logger.info("Shutdown complete");
    })();
    return stopping;
  };

  return {
    settings,
    logger,
    container,
    plugins,
    switchboard,
    auth,
    users,
    async listen(handle?: object) {
      const address = handle
        ? await switchboard.listenOn(handle)
        : await switchboard.listen(settings.port, settings.host);
      const host = address.address.includes(":") ? `[${address.address}]` : address.address;
      const url = `http://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${address.port}`;
      logger.info({ url, port: address.port }, `Listening on ${url}`);
      return { port: address.port, host: address.address, url };
    },
    stop,
  };
}
