/**
 * `GET /health`: kernel services and every plugin, answered in bounded time. Anyone
 * (a load balancer, a monitor) gets the overall status and each component's status;
 * versions, counts and error details (`?details=1`) only a signed-in administrator:
 * they tell an attacker what runs here and what is failing — and, for several kernels,
 * this kernel's id, the database and Redis as it sees them, the lease holders and the
 * peers sharing its database. The HTTP status (200, or 503 when a critical component is
 * down) is the same for both.
 */

import os from "node:os";
import {
  ForbiddenError,
  type HealthStatus,
  hasPermission,
  UnauthorizedError,
} from "@roa2web/plugin-sdk";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { KernelCradle } from "../../kernel-cradle.js";
import { bearerTokenOf } from "../access-control.js";
import { ADMIN_PERMISSION } from "./plugin-admin-routes.js";

const PLUGIN_HEALTH_TIMEOUT_MS = 300;

async function boundedHealth(check: () => Promise<HealthStatus>): Promise<HealthStatus> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<HealthStatus>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({ status: "down", detail: `no answer within ${PLUGIN_HEALTH_TIMEOUT_MS} ms` }),
          PLUGIN_HEALTH_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    return { status: "down", detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Details are for administrators only: 401 without a valid token, 403 without the permission. */
function requireAdministrator(request: FastifyRequest, kernel: KernelCradle): void {
  const token = bearerTokenOf(request);
  if (token === undefined) {
    throw new UnauthorizedError(
      "Health details need a signed-in administrator: send Authorization: Bearer <access token>",
      { details: { reason: "missing_token" } },
    );
  }
  const { user } = kernel.accessTokens.verify(token);
  if (!hasPermission(user.permissions, ADMIN_PERMISSION)) {
    throw new ForbiddenError(`Health details need the permission ${ADMIN_PERMISSION}`, {
      details: { permission: ADMIN_PERMISSION },
    });
  }
}

type Checks = Awaited<ReturnType<KernelCradle["health"]["run"]>>["checks"];

/**
 * What an administrator of several kernels needs: which kernel answered, the database
 * and Redis as it sees them, who holds each lease, and the peers (health/peer-heartbeat.ts).
 */
async function clusterView(kernel: KernelCradle, checks: Checks) {
  const named = (name: string) => checks.find((entry) => entry.name === name);
  const database = named("kernel-database")?.data ?? {};
  const redis = named("redis");
  const leaseData = (named("leases")?.data ?? {}) as {
    leases?: Record<
      string,
      { holder: string; this_kernel: boolean; since: string; expires_at: string }
    >;
  };
  const leases = Object.entries(leaseData.leases ?? {}).map(([name, lease]) => ({
    name,
    // A lease row names one run of the kernel: `<kernel id>#<run>`.
    kernel: lease.holder.replace(/#\d+$/, ""),
    this_kernel: lease.this_kernel,
    since: lease.since,
    expires_at: lease.expires_at,
  }));
  const peers = kernel.databaseWatch.lost
    ? null
    : await kernel.peers.peers().catch((error: unknown) => {
        kernel.databaseWatch.failed(error);
        return null;
      });
  return {
    kernel: { id: kernel.leases.holderId, host: os.hostname(), pid: process.pid },
    database,
    redis: {
      configured: redis !== undefined,
      reachable: redis === undefined ? null : redis.status === "up",
    },
    leases,
    peers,
  };
}

export async function healthRoutes(app: FastifyInstance, kernel: KernelCradle): Promise<void> {
  const check = {
    type: "object",
    properties: {
      name: { type: "string" },
      status: { type: "string" },
      detail: { type: "string" },
      critical: { type: "boolean" },
      duration_ms: { type: "number" },
      data: { type: "object", additionalProperties: true },
    },
  } as const;
  const plugin = {
    type: "object",
    properties: {
      name: { type: "string" },
      version: { type: "string", nullable: true },
      state: { type: "string" },
      status: { type: "string" },
      detail: { type: "string" },
      data: { type: "object", additionalProperties: true },
    },
  } as const;
  const body = {
    type: "object",
    properties: {
      status: { type: "string", enum: ["ok", "degraded", "down"] },
      version: { type: "string" },
      environment: { type: "string" },
      uptime_seconds: { type: "number" },
      generation: { type: "integer" },
      process: {
        type: "object",
        description: "The kernel process answering (ADR 0025)",
        properties: {
          pid: { type: "integer" },
          kernel_generation: {
            type: "integer",
            description:
              "1 for the supervisor's first kernel, +1 per hand-over or restart; 0 unsupervised",
          },
          supervised: { type: "boolean" },
        },
      },
      checks: { type: "array", items: check },
      plugins: { type: "array", items: plugin },
      kernel: {
        type: "object",
        description: "This kernel, as its peers and lease rows name it",
        properties: {
          id: { type: "string", description: "host:pid:boot" },
          host: { type: "string" },
          pid: { type: "integer" },
        },
      },
      database: {
        type: "object",
        description:
          "The kernel database as this kernel sees it; on PostgreSQL, writes answer 503 while it is lost",
        properties: {
          engine: { type: "string", enum: ["sqlite", "postgres"] },
          reachable: { type: "boolean" },
          latency_ms: { type: "number", nullable: true },
          writes: { type: "string", enum: ["accepted", "refused"] },
          lost_since: { type: "string", nullable: true },
        },
      },
      redis: {
        type: "object",
        properties: {
          configured: { type: "boolean" },
          reachable: { type: "boolean", nullable: true },
        },
      },
      leases: {
        type: "array",
        description: "Every lease held now (the Telegram poller …) and the kernel holding it",
        items: {
          type: "object",
          properties: {
            name: { type: "string" },
            kernel: { type: "string", description: "The holder's kernel id" },
            this_kernel: { type: "boolean" },
            since: { type: "string" },
            expires_at: { type: "string" },
          },
        },
      },
      peers: {
        type: "array",
        nullable: true,
        description:
          "The kernels sharing this database, seen within PEER_FORGET_MS, this one first; null while the database cannot be read",
        items: {
          type: "object",
          properties: {
            id: { type: "string" },
            host: { type: "string" },
            pid: { type: "integer" },
            version: { type: "string" },
            started_at: { type: "string" },
            last_seen: { type: "string" },
            seen_ms_ago: { type: "integer" },
            this_kernel: { type: "boolean" },
            redis: { type: "string", nullable: true },
          },
        },
      },
    },
  } as const;

  app.get<{ Querystring: { details?: "1" | "true" | "0" | "false" } }>(
    "/health",
    {
      config: { access: "public" },
      schema: {
        tags: ["kernel"],
        summary:
          "Health of the kernel services and every plugin (503 when a critical one is down); details=1 for administrators",
        description:
          "Without `details`: the overall status and each component's status only. With `details=1` (needs `kernel:admin`): versions, durations, counts and error details.",
        querystring: {
          type: "object",
          // Ajv turns only "true"/"false" into a boolean; `details=1` is what people type.
          properties: { details: { type: "string", enum: ["1", "true", "0", "false"] } },
        },
        response: { 200: body, 503: body },
      },
    },
    async (request, reply) => {
      const details = request.query.details === "1" || request.query.details === "true";
      if (details) requireAdministrator(request, kernel);
      const [kernelHealth, plugins] = await Promise.all([
        kernel.health.run(),
        Promise.all(
          kernel.plugins.list().map(async (record) => {
            const base = {
              name: record.name,
              version: record.manifest?.version ?? null,
              state: record.state,
            };
            if (record.state === "failed") {
              return {
                ...base,
                status: "down",
                detail: `failed while at step "${record.failure?.step}": ${record.failure?.message}`,
              };
            }
            if (record.state !== "enabled" || !record.instance)
              return { ...base, status: record.state };
            const instance = record.instance;
            return { ...base, ...(await boundedHealth(() => instance.health())) };
          }),
        ),
      ]);
      const pluginTrouble = plugins.some(
        (plugin) => plugin.status === "down" || plugin.status === "degraded",
      );
      const status =
        kernelHealth.status === "down"
          ? "down"
          : kernelHealth.status === "degraded" || pluginTrouble
            ? "degraded"
            : "ok";
      const httpStatus = status === "down" ? 503 : 200;
      if (!details) {
        return reply.status(httpStatus).send({
          status,
          checks: kernelHealth.checks.map((entry) => ({ name: entry.name, status: entry.status })),
          plugins: plugins.map((plugin) => ({ name: plugin.name, status: plugin.status })),
        });
      }
      return reply.status(httpStatus).send({
        status,
        ...(await clusterView(kernel, kernelHealth.checks)),
        version: kernel.kernelVersion,
        environment: kernel.settings.environment,
        uptime_seconds: Math.round((Date.now() - kernel.startedAt.getTime()) / 1000),
        generation: kernel.currentGeneration(),
        process: {
          pid: process.pid,
          kernel_generation: kernel.supervisor.generation,
          supervised: kernel.supervisor.supervised,
        },
        checks: kernelHealth.checks.map(({ durationMs, ...entry }) => ({
          ...entry,
          duration_ms: durationMs,
        })),
        plugins,
      });
    },
  );
}
