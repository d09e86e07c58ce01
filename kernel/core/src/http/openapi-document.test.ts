import { errorResponseSchema } from "@roa2web/plugin-sdk";
import type { RouteOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { derivedErrorStatuses, docsPageCsp, documentRoute } from "./openapi-document.js";

const route = (config: Record<string, unknown>) => ({ config }) as unknown as RouteOptions;
const body = { type: "object", properties: { title: { type: "string" } } };

describe("derivedErrorStatuses (the errors a route's declarations imply)", () => {
  it("follows the access: none for public, 401 for signed in, 401 and 403 for a permission", () => {
    expect(derivedErrorStatuses({}, route({ access: "public" }))).toEqual([]);
    expect(derivedErrorStatuses({}, route({ access: "authenticated" }))).toEqual(["401"]);
    expect(derivedErrorStatuses({}, route({ access: "notes:write" }))).toEqual(["401", "403"]);
  });

  it("adds 400/413/415 for a body, 400 for a query, 404 for a path, 429 for a rate limit", () => {
    expect(derivedErrorStatuses({ body }, route({ access: "public" }))).toEqual([
      "400",
      "413",
      "415",
    ]);
    expect(derivedErrorStatuses({ querystring: {} }, route({ access: "public" }))).toEqual(["400"]);
    expect(
      derivedErrorStatuses({ params: {} }, route({ access: "public", rateLimit: { max: 1 } })),
    ).toEqual(["400", "404", "429"]);
  });
});

describe("documentRoute (the per-route OpenAPI transform)", () => {
  it("takes the lock off a public route and keeps the route's own error answers", () => {
    const own = { description: "mine" };
    const { schema } = documentRoute({
      schema: { body, response: { 200: {}, 401: own } },
      url: "/api/auth/login",
      route: route({ access: "public", rateLimit: { max: 5 } }),
    } as never);
    expect(schema).toMatchObject({ security: [] });
    expect((schema as { response: Record<string, unknown> }).response).toEqual({
      200: {},
      401: own,
      400: errorResponseSchema,
      413: errorResponseSchema,
      415: errorResponseSchema,
      429: errorResponseSchema,
    });
  });

  it("leaves a protected route under the document's bearer security", () => {
    const { schema } = documentRoute({
      schema: { response: { 200: {} } },
      url: "/api/notes/",
      route: route({ access: "notes:read" }),
    } as never);
    expect(schema).not.toHaveProperty("security");
    expect(Object.keys((schema as { response: object }).response)).toEqual(["200", "401", "403"]);
  });
});

describe("docsPageCsp", () => {
  it("allows inline style attributes and nothing more", () => {
    const header =
      "default-src 'self'; script-src 'self' ; script-src-attr 'none'; style-src 'self' https: ; upgrade-insecure-requests;";
    expect(docsPageCsp(header)).toBe(
      "default-src 'self'; script-src 'self' ; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests;",
    );
    expect(docsPageCsp(docsPageCsp(header))).toBe(docsPageCsp(header));
  });
});
