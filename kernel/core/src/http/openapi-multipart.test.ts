import type { MultipartBodySchema } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { documentMultipartBody } from "./openapi-multipart.js";

const form: MultipartBodySchema = {
  required: ["file"],
  properties: { file: { type: "string", format: "binary" } },
};
const json = { type: "object", properties: { id: { type: "string" } } };
const multipart = { schema: { type: "object", ...form } };

describe("documentMultipartBody (the OpenAPI transform)", () => {
  it("passes a schema without multipartBody through unchanged", () => {
    const schema = { summary: "x", body: json };
    expect(documentMultipartBody({ schema, url: "/a" })).toEqual({ schema, url: "/a" });
  });

  it("turns the form into a multipart/form-data body and drops the keyword and consumes", () => {
    const schema = { summary: "x", consumes: ["multipart/form-data"], multipartBody: form };
    expect(documentMultipartBody({ schema, url: "/a" })).toEqual({
      schema: { summary: "x", body: { content: { "multipart/form-data": multipart } } },
      url: "/a",
    });
  });

  it("keeps a JSON body beside the form: plain, per content type, or named by consumes", () => {
    const plain = documentMultipartBody({ schema: { body: json, multipartBody: form }, url: "/" });
    expect(plain.schema.body).toEqual({
      content: { "application/json": { schema: json }, "multipart/form-data": multipart },
    });
    const perType = documentMultipartBody({
      schema: { body: { content: { "application/json": { schema: json } } }, multipartBody: form },
      url: "/",
    });
    expect(perType.schema.body).toEqual(plain.schema.body);
    const named = documentMultipartBody({
      schema: {
        consumes: ["application/merge-patch+json", "multipart/form-data"],
        body: json,
        multipartBody: form,
      },
      url: "/",
    });
    expect(named.schema.body).toEqual({
      content: {
        "application/merge-patch+json": { schema: json },
        "multipart/form-data": multipart,
      },
    });
  });

  it("does not change the route's own schema (Fastify validates with it)", () => {
    const schema = { body: json, multipartBody: form };
    const copy = structuredClone(schema);
    documentMultipartBody({ schema, url: "/" });
    expect(schema).toEqual(copy);
  });
});
