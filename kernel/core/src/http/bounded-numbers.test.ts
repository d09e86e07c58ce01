import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { boundNumbers, boundRouteNumbers } from "./bounded-numbers.js";

describe("bounded numbers", () => {
  it("bounds unbounded integers to the safe ones and numbers to the finite ones, nested too", () => {
    const schema = {
      type: "object",
      properties: {
        id: { type: "integer" },
        page: { type: "integer", minimum: 1, maximum: 100 },
        low: { type: "integer", exclusiveMinimum: 0 },
        amount: { type: "number" },
        lines: { type: "array", items: { type: ["integer", "null"] } },
        name: { type: "string" },
      },
    };
    const bounded = boundNumbers(schema) as typeof schema & {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(bounded.properties.id).toEqual({
      type: "integer",
      minimum: Number.MIN_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
    });
    expect(bounded.properties.page).toEqual({ type: "integer", minimum: 1, maximum: 100 });
    expect(bounded.properties.low).toEqual({
      type: "integer",
      exclusiveMinimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
    });
    expect(bounded.properties.amount).toMatchObject({ maximum: Number.MAX_VALUE });
    expect((bounded.properties.lines as { items: object }).items).toMatchObject({
      maximum: Number.MAX_SAFE_INTEGER,
    });
    expect(bounded.properties.name).toEqual({ type: "string" });
    // The route's own schema object (maybe shared by other routes) is not changed.
    expect(schema.properties.id).toEqual({ type: "integer" });
  });

  it("makes Fastify's Ajv refuse 'Infinity' coerced from a query string (it let it through)", async () => {
    const app = Fastify({ ajv: { customOptions: { coerceTypes: "array", strictNumbers: false } } });
    app.addHook("onRoute", boundRouteNumbers);
    app.get(
      "/items/:id",
      {
        schema: {
          params: { type: "object", properties: { id: { type: "integer", minimum: 1 } } },
          querystring: { type: "object", properties: { at: { type: "number" } } },
        },
      },
      async (request) => request.params,
    );
    await app.ready();
    for (const url of [
      "/items/Infinity",
      "/items/1e400",
      "/items/1?at=Infinity",
      "/items/1?at=-1e999",
    ]) {
      expect((await app.inject(url)).statusCode, url).toBe(400);
    }
    expect((await app.inject("/items/42?at=1.5")).json()).toEqual({ id: 42 });
    await app.close();
  });
});
