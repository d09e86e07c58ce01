import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { isRoaError } from "./errors.js";
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

  // Found by the bad-input sweep: the parser's own errors (plain Errors) became 500s.
  it("turns a body the parser cannot read into a 400, before and while the file is read", async () => {
    const noBoundary = {
      isMultipart: () => true,
      file: async () => {
        throw new Error("Multipart: Boundary not found");
      },
    } as unknown as FastifyRequest;
    const refused = await uploadsOf(noBoundary)
      .file()
      .catch((error: unknown) => error);
    expect(isRoaError(refused) && refused.statusCode).toBe(400);

    const limit = Object.assign(new Error("too many parts"), { statusCode: 413 });
    const limited = {
      isMultipart: () => true,
      file: async () => {
        throw limit;
      },
    } as unknown as FastifyRequest;
    await expect(uploadsOf(limited).file()).rejects.toBe(limit);

    // Failed before the route got the part (a buffered body), and failed while read.
    const early = new PassThrough();
    early.destroy(new Error("Unexpected end of multipart data"));
    const later = new PassThrough();
    for (const [stream, fail] of [
      [early, () => undefined],
      [later, () => later.destroy(new Error("Malformed part header"))],
    ] as const) {
      const request = {
        isMultipart: () => true,
        file: async () => ({
          fieldname: "file",
          filename: "a",
          mimetype: "",
          file: stream,
          fields: {},
        }),
      } as unknown as FastifyRequest;
      const part = await uploadsOf(request).file();
      fail();
      const error = (await pipeline(part?.file as PassThrough, new PassThrough()).catch(
        (caught: unknown) => caught,
      )) as Error & { statusCode?: number };
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/^The multipart\/form-data body cannot be read: /);
    }
  });
});
