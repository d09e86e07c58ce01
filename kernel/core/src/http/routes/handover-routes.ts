/**
 * `POST /api/kernel/handover` (kernel:admin): a fresh kernel process takes over the
 * listening socket from this one (ADR 0025) — new code of the kernel and every plugin,
 * settings read again, no request dropped. Answers once the new kernel serves, or
 * with the reason it was not committed (this kernel then keeps serving).
 */
import { ConflictError } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { KernelCradle } from "../../kernel-cradle.js";
import { Switchboard } from "../switchboard.js";
import { ADMIN_PERMISSION } from "./plugin-admin-routes.js";
import { errorsAnswered } from "./schemas.js";

interface HandOverBody {
  reason?: string;
  expect?: { plugin: string; version?: string };
}

export async function handoverRoutes(app: FastifyInstance, kernel: KernelCradle): Promise<void> {
  app.post<{ Body: HandOverBody | undefined }>(
    "/api/kernel/handover",
    {
      config: { access: ADMIN_PERMISSION },
      schema: {
        tags: ["kernel"],
        summary:
          "Hand the server over to a fresh kernel process (new code, settings read again) without dropping a request",
        description:
          "Needs the supervisor (the default way the server runs). 409 with the reason when the new kernel could not start or does not run the expected plugin; the running kernel then keeps serving.",
        body: {
          type: "object",
          nullable: true,
          additionalProperties: false,
          properties: {
            reason: { type: "string", minLength: 1, maxLength: 200 },
            expect: {
              type: "object",
              additionalProperties: false,
              required: ["plugin"],
              properties: {
                plugin: { type: "string", pattern: "^[a-z0-9-]{1,60}$" },
                version: { type: "string", minLength: 1, maxLength: 64 },
              },
            },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              generation: { type: "integer", description: "The new kernel process's generation" },
              ms: { type: "integer", description: "From the request to the new kernel serving" },
            },
          },
          ...errorsAnswered(409),
        },
      },
    },
    async (request) => {
      // This request waits for the process that replaces its own: it must not hold up the drain.
      Switchboard.excludeFromDrain(request.raw);
      const by = request.user?.username;
      const reason = request.body?.reason ?? `requested by ${by ?? "an administrator"}`;
      const result = await kernel.supervisor.handOver({ reason, expect: request.body?.expect });
      if (!result.ok) {
        throw new ConflictError(`Hand-over not done: ${result.reason}`, {
          details: { reason: result.reason },
        });
      }
      request.log.info({ generation: result.generation, ms: result.ms, by }, "Hand-over done");
      return { generation: result.generation, ms: result.ms };
    },
  );
}
