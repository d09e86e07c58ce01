import { describe, expect, it } from "vitest";
import { markOptionalBodies } from "./openapi-optional-bodies.js";

const body = (schema: object) => ({ required: true, content: { "application/json": { schema } } });

describe("markOptionalBodies (the OpenAPI document transform)", () => {
  it("marks a body whose schema accepts null as not required, and leaves the others", () => {
    const openapiObject = {
      paths: {
        "/logout": { post: { requestBody: body({ type: "object", nullable: true }) } },
        "/login": { post: { requestBody: body({ type: "object" }) } },
        "/upload": {
          post: {
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: { type: "object", nullable: true } },
                "multipart/form-data": { schema: { type: "object" } },
              },
            },
          },
        },
        "/health": { get: { responses: {} } },
      },
    };
    const result = markOptionalBodies({
      openapiObject,
    } as never) as unknown as typeof openapiObject;
    expect(result.paths["/logout"].post.requestBody.required).toBe(false);
    expect(result.paths["/login"].post.requestBody.required).toBe(true);
    // One content type needs a body: the body stays required.
    expect(result.paths["/upload"].post.requestBody.required).toBe(true);
    expect(result.paths["/health"].get).toEqual({ responses: {} });
  });

  it("passes a document without paths through", () => {
    expect(markOptionalBodies({ openapiObject: { openapi: "3.0.3" } })).toEqual({
      openapi: "3.0.3",
    });
  });
});
