/** `GET /health`: kernel services and every plugin, answered in bounded time. */

import type { HealthStatus } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { HttpDependencies } from "../http-dependencies.js";

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

export async function healthRoutes(app: FastifyInstance, deps: HttpDependencies): Promise<void> {
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
      checks: { type: "array", items: check },
      plugins: { type: "array", items: plugin },
    },
  } as const;

  app.get(
    "/health",
    {
      config: { access: "public" },
      schema: {
        tags: ["kernel"],
        summary: "Health of the kernel services and every plugin (503 when the ERP is down)",
        response: { 200: body, 503: body },
      },
    },
    async (_request, reply) => {
      const [kernel, plugins] = await Promise.all([
        deps.health.run(),
        Promise.all(
          deps.plugins.list().map(async (record) => {
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
        kernel.status === "down"
          ? "down"
          : kernel.status === "degraded" || pluginTrouble
            ? "degraded"
            : "ok";
      return reply.status(status === "down" ? 503 : 200).send({
        status,
        version: deps.kernelVersion,
        environment: deps.settings.environment,
        uptime_seconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
        generation: deps.currentGeneration(),
        checks: kernel.checks.map(({ durationMs, ...entry }) => ({
          ...entry,
          duration_ms: durationMs,
        })),
        plugins,
      });
    },
  );
}
