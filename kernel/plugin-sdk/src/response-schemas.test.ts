import Fastify from "fastify";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type Page, toPage } from "./pagination.js";
import { errorResponses, pageQuery, pageSchema } from "./response-schemas.js";
import { errorResponseSchema } from "./routes.js";
import { type Static, Type, type TypeBoxTypeProvider } from "./typebox.js";

const note = Type.Object({ id: Type.Integer(), title: Type.String() });

describe("errorResponses", () => {
  it("declares the one error shape under each status given", () => {
    expect(errorResponses(400, 404, 409)).toEqual({
      400: errorResponseSchema,
      404: errorResponseSchema,
      409: errorResponseSchema,
    });
    expectTypeOf(errorResponses(404, 409)).toEqualTypeOf<{
      readonly 404: typeof errorResponseSchema;
      readonly 409: typeof errorResponseSchema;
    }>();
  });

  it("refuses a status that is not an error", () => {
    expect(() => errorResponses(200)).toThrow("200 is not an error status");
    expect(() => errorResponses(404, 600)).toThrow(TypeError);
  });
});

describe("pageSchema", () => {
  it("types as the page toPage builds", () => {
    expectTypeOf<Static<ReturnType<typeof pageSchema<typeof note>>>>().toEqualTypeOf<{
      items: { id: number; title: string }[];
      total: number;
      page: number;
      page_size: number;
      pages: number;
    }>();
    expectTypeOf<Page<Static<typeof note>>>().toMatchTypeOf<
      Static<ReturnType<typeof pageSchema<typeof note>>>
    >();
  });

  it("serialises a page through Fastify, leaving out what the item schema does not name", async () => {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      "/notes",
      {
        schema: {
          querystring: Type.Object({ ...pageQuery(50) }),
          // (No error responses: bare Fastify answers errors in its own shape.)
          response: { 200: pageSchema(note) },
        },
      },
      async (request) => {
        const { page = 1, page_size: pageSize = 2 } = request.query;
        expectTypeOf(page).toEqualTypeOf<number>();
        const items = [{ id: 1, title: "a", secret: "kept on the server" }];
        return toPage(items, 3, { page, pageSize });
      },
    );
    try {
      const ok = await app.inject({ url: "/notes?page=2&page_size=2" });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({
        items: [{ id: 1, title: "a" }],
        total: 3,
        page: 2,
        page_size: 2,
        pages: 2,
      });
      const tooBig = await app.inject({ url: "/notes?page_size=51" });
      expect(tooBig.statusCode).toBe(400);
      const zero = await app.inject({ url: "/notes?page=0" });
      expect(zero.statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it("is plain JSON Schema, the shape the OpenAPI document refers to PageInfo", () => {
    expect(JSON.parse(JSON.stringify(pageSchema(note)))).toEqual({
      type: "object",
      required: ["items", "total", "page", "page_size", "pages"],
      properties: {
        items: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "title"],
            properties: { id: { type: "integer" }, title: { type: "string" } },
          },
        },
        total: { type: "integer" },
        page: { type: "integer" },
        page_size: { type: "integer" },
        pages: { type: "integer" },
      },
    });
  });
});
