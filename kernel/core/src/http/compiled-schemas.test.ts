import { createRequire } from "node:module";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { boundRouteNumbers } from "./bounded-numbers.js";
import { CompiledSchemaCache, contextKey } from "./compiled-schemas.js";
import { validationSchemaController } from "./validation.js";

// The Ajv that Fastify's compiler uses (resolved from @fastify/ajv-compiler, as it does).
const fromCompiler = createRequire(createRequire(import.meta.url).resolve("@fastify/ajv-compiler"));
const Ajv = (fromCompiler("ajv") as { default: { prototype: { compile: unknown } } }).default;

const opened: FastifyInstance[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const app of opened.splice(0)) await app.close();
});

/** A route generation as the kernel builds one: its own Fastify, schemas copied by onRoute. */
async function generation(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, schemaController: validationSchemaController() });
  opened.push(app);
  app.addHook("onRoute", boundRouteNumbers);
  app.post(
    "/entries",
    {
      schema: {
        querystring: {
          type: "object",
          properties: { company: { type: "integer" } },
          required: ["company"],
        },
        body: {
          type: "object",
          properties: { total: { type: "number" } },
          required: ["total"],
          additionalProperties: false,
        },
        response: {
          200: {
            type: "object",
            properties: { company: { type: "integer" }, total: { type: "number" } },
          },
        },
      },
    },
    async (request) => ({
      company: (request.query as { company: number }).company,
      total: (request.body as { total: number }).total,
      secret: "not in the response schema",
    }),
  );
  await app.ready();
  return app;
}

describe("route schemas shared by generations", () => {
  it("compiles a route's schemas once, however many generations are built", async () => {
    const compile = vi.spyOn(Ajv.prototype as { compile: () => unknown }, "compile");
    await generation();
    const first = compile.mock.calls.length;
    await generation();
    await generation();
    // The first generation may have compiled them already (another test, the module's
    // first use); later ones never do.
    expect(compile.mock.calls.length).toBe(first);
  });

  it("validates and serialises in a later generation exactly as in the first", async () => {
    await generation();
    const app = await generation();
    const ok = await app.inject({
      method: "POST",
      url: "/entries?company=7",
      payload: { total: 12.5 },
    });
    expect(ok.statusCode).toBe(200);
    // The response serializer drops what its schema does not name.
    expect(ok.json()).toEqual({ company: 7, total: 12.5 });
    // The query string is coerced ("7" → 7); a JSON body is not ("10" is not a number).
    const coerced = await app.inject({
      method: "POST",
      url: "/entries?company=7",
      payload: { total: "10" },
    });
    expect(coerced.statusCode).toBe(400);
    const missing = await app.inject({ method: "POST", url: "/entries", payload: { total: 1 } });
    expect(missing.statusCode).toBe(400);
    const unbounded = await app.inject({
      method: "POST",
      url: "/entries?company=99999999999999999999",
      payload: { total: 1 },
    });
    expect(unbounded.statusCode).toBe(400); // bounded-numbers still applies
  });
});

describe("CompiledSchemaCache", () => {
  const context = contextKey("test", {}, { coerce: false });

  it("answers an equal schema (a new object) with the function compiled the first time", () => {
    const cache = new CompiledSchemaCache();
    const compile = vi.fn(() => () => true);
    const first = cache.get(
      context,
      { type: "object", properties: { a: { type: "string" } } },
      compile,
    );
    const again = cache.get(
      context,
      { type: "object", properties: { a: { type: "string" } } },
      compile,
    );
    expect(again).toBe(first);
    expect(compile).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it("keeps schemas apart by compiler options and by shared schemas", () => {
    const cache = new CompiledSchemaCache();
    const schema = { type: "integer" };
    const compile = vi.fn(() => () => true);
    cache.get(contextKey("ajv", {}, { coerce: false }), schema, compile);
    cache.get(contextKey("ajv", {}, { coerce: "array" }), schema, compile);
    cache.get(contextKey("ajv", { page: { $id: "page" } }, { coerce: false }), schema, compile);
    cache.get(contextKey("fast-json-stringify", {}, { coerce: false }), schema, compile);
    expect(compile).toHaveBeenCalledTimes(4);
  });

  it("compiles every time a schema JSON cannot represent", () => {
    const cache = new CompiledSchemaCache();
    const compile = vi.fn(() => () => true);
    const withFunction = { type: "string", transform: () => "x" };
    cache.get(context, withFunction, compile);
    cache.get(context, withFunction, compile);
    cache.get(contextKey("ajv", { odd: () => 1 }, {}), { type: "string" }, compile);
    cache.get(contextKey("ajv", { odd: () => 1 }, {}), { type: "string" }, compile);
    expect(compile).toHaveBeenCalledTimes(4);
    expect(cache.stats().size).toBe(0);
  });
});
