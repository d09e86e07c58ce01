/** What the HTTP layer needs from the kernel, passed explicitly to every route module. */
import type { ErpClient } from "@roa2web/plugin-sdk";
import type { AccessTokens } from "../auth/access-tokens.js";
import type { AuthService } from "../auth/auth-service.js";
import type { LoginThrottle } from "../auth/login-throttle.js";
import type { KernelSettings } from "../config/settings.js";
import type { HealthRegistry } from "../health/health-registry.js";
import type { LoopWatch } from "../health/loop-watch.js";
import type { KernelLogger } from "../logging/create-logger.js";
import type { PluginManager } from "../plugins/plugin-manager.js";
import type { createSharedRateLimitStore } from "./rate-limit-store.js";

export interface HttpDependencies {
  settings: KernelSettings;
  logger: KernelLogger;
  kernelVersion: string;
  startedAt: Date;
  auth: AuthService;
  accessTokens: AccessTokens;
  erp: ErpClient;
  health: HealthRegistry;
  plugins: PluginManager;
  rateLimitStore: ReturnType<typeof createSharedRateLimitStore>;
  /** Names a plugin route that holds the event loop. */
  loopWatch?: LoopWatch;
  /** Failed sign-ins per client address and per account; outlives route generations. */
  loginThrottle: LoginThrottle;
  /** The id of the route generation serving now (for operators). */
  currentGeneration(): number;
}
