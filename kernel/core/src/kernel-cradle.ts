/**
 * What the kernel's root Awilix container holds, typed (ADR 0015). The kernel's own
 * code (HTTP layer, plugin manager) reads it through `container.cradle`; plugins never
 * see it: each plugin instance gets a scope in which only the `core.*` services it
 * declared in `deps` are resolved, scoped to it.
 */

import type { ErpClient, KernelUsersService } from "@roa2web/plugin-sdk";
import type { AwilixContainer } from "awilix";
import type { AccessTokens } from "./auth/access-tokens.js";
import type { AuthService } from "./auth/auth-service.js";
import type { LoginThrottle } from "./auth/login-throttle.js";
import type { Users } from "./auth/users.js";
import type { TwoLevelCache } from "./cache/index.js";
import type { KernelSettings } from "./config/settings.js";
import type { DatabaseWatch } from "./health/database-watch.js";
import type { HealthRegistry } from "./health/health-registry.js";
import type { LoopWatch } from "./health/loop-watch.js";
import type { PeerHeartbeat } from "./health/peer-heartbeat.js";
import type { createSharedRateLimitStore } from "./http/rate-limit-store.js";
import type { KernelLeases } from "./leases/kernel-leases.js";
import type { KernelLogger } from "./logging/create-logger.js";
import type { EventHub } from "./plugins/event-hub.js";
import type { PackageInstaller } from "./plugins/package-installer.js";
import type { PluginChanges } from "./plugins/plugin-changes.js";
import type { PluginManager } from "./plugins/plugin-manager.js";
import type { PluginStateStore } from "./plugins/plugin-state-store.js";
import type { ServiceDirectory } from "./plugins/service-registry.js";
import type { KernelSupervisor } from "./supervisor/protocol.js";

export interface KernelCradle {
  settings: KernelSettings;
  kernelVersion: string;
  startedAt: Date;
  /** The root logger (request loggers and plugin loggers are its children). */
  logger: KernelLogger;
  erp: ErpClient;
  cache: TwoLevelCache;
  health: HealthRegistry;
  /** Whether the kernel database answers; on PostgreSQL, writes are refused while it is lost. */
  databaseWatch: DatabaseWatch;
  /** This kernel's row among the kernels sharing its database (`/health` names them). */
  peers: PeerHeartbeat;
  auth: AuthService;
  accessTokens: AccessTokens;
  users: Users;
  /** Failed sign-ins per client address and per account; outlives route generations. */
  loginThrottle: LoginThrottle;
  rateLimitStore: ReturnType<typeof createSharedRateLimitStore>;
  /** Names a plugin route that holds the event loop. */
  loopWatch: LoopWatch | undefined;
  services: ServiceDirectory;
  events: EventHub;
  /** Fired after every swap of the running plugins (the shell's plugin event stream). */
  pluginChanges: PluginChanges;
  plugins: PluginManager;
  /** Installs, upgrades and removes plugin packages at run time (ADR 0024). */
  packages: PackageInstaller;
  /** Which plugins were switched or reloaded, and by which kernel (plugin-sync.ts). */
  pluginStates: PluginStateStore;
  /** The process supervisor, when there is one: hand-overs to a fresh kernel process (ADR 0025). */
  supervisor: KernelSupervisor;
  /** The id of the route generation serving now (for operators). */
  currentGeneration: () => number;
  /** `coreServices.erp`, as plugins name it. */
  "core.erp": ErpClient;
  /** `coreServices.users`, as plugins name it. */
  "core.users": KernelUsersService;
  /** Leases shared with the other kernels on this DATA_DIR; plugins get `scoped` ones. */
  leases: KernelLeases;
}

export type KernelContainer = AwilixContainer<KernelCradle>;
