/**
 * The kernel database's migrations, in order: one list for the server and the `users`
 * command, which may be the first to open a new data folder.
 */
import { KernelInit1763856000000 } from "./migrations/0001-kernel-init.js";
import { RevokedAccessTokens1764950400000 } from "./migrations/0002-revoked-access-tokens.js";
import { HealthHeartbeat1765036800000 } from "./migrations/0003-health-heartbeat.js";
import { PluginStates1765000000000 } from "./migrations/0003-plugin-states.js";
import { UserSessionCutoffs1765065600000 } from "./migrations/0004-user-session-cutoffs.js";
import { KernelLeases1765152000000 } from "./migrations/0005-kernel-leases.js";
import { PluginPackages1765300000000 } from "./migrations/0006-plugin-packages.js";
import { PluginStateRevisions1765400000000 } from "./migrations/0007-plugin-state-revisions.js";
import { PluginPackageArchives1765500000000 } from "./migrations/0008-plugin-package-archives.js";
import { KernelPeers1765690000000 } from "./migrations/0009-kernel-peers.js";

export const KERNEL_MIGRATIONS = [
  KernelInit1763856000000,
  RevokedAccessTokens1764950400000,
  PluginStates1765000000000,
  HealthHeartbeat1765036800000,
  UserSessionCutoffs1765065600000,
  KernelLeases1765152000000,
  PluginPackages1765300000000,
  PluginStateRevisions1765400000000,
  PluginPackageArchives1765500000000,
  KernelPeers1765690000000,
];
