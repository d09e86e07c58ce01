import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { formField, uploadsOf } from "./uploads.js";

describe("uploads", () => {
  it("types a request the multipart parser decorated, and refuses one it did not", () => {
    const decorated = {
      isMultipart: () => true,
      file: async () => undefined,
    } as unknown as FastifyRequest;
    expect(uploadsOf(decorated).isMultipart()).toBe(true);
    expect(() => uploadsOf({} as FastifyRequest)).toThrow(/declare `uploads`/);
  });

  it("reads a plain form field, the first of a repeated one, and nothing from a file part", () => {
    const fields = {
      company_id: { type: "field", value: "2" },
      tag: [
        { type: "field", value: "a" },
        { type: "field", value: "b" },
      ],
      file: { type: "file", filename: "x.png" },
    };
    expect(formField(fields, "company_id")).toBe("2");
    expect(formField(fields, "tag")).toBe("a");
    expect(formField(fields, "file")).toBeUndefined();
    expect(formField(fields, "missing")).toBeUndefined();
  });
});
