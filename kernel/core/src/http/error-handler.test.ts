import { describe, expect, it } from "vitest";
import { describeValidation, validationField } from "./error-handler.js";

describe("describeValidation", () => {
  it("names the missing field", () => {
    expect(
      describeValidation(
        [{ keyword: "required", instancePath: "", params: { missingProperty: "username" } }],
        "body",
      ),
    ).toBe("body.username is required");
  });

  it("does not echo a pattern (a schema internal)", () => {
    const message = describeValidation(
      [
        {
          keyword: "pattern",
          instancePath: "/period",
          params: { pattern: "^\\d{4}-\\d{2}$" },
          message: 'must match pattern "^\\d{4}-\\d{2}$"',
        },
      ],
      "querystring",
    );
    expect(message).toBe("querystring.period has an invalid format");
  });

  it("lists allowed values of an enum", () => {
    expect(
      describeValidation(
        [{ keyword: "enum", instancePath: "/format", params: { allowedValues: ["xlsx", "pdf"] } }],
        "querystring",
      ),
    ).toBe("querystring.format must be one of: xlsx, pdf");
  });

  it("names an unexpected property", () => {
    expect(
      describeValidation(
        [
          {
            keyword: "additionalProperties",
            instancePath: "",
            params: { additionalProperty: "role" },
          },
        ],
        "body",
      ),
    ).toBe('body must not have the property "role"');
  });
});

describe("validationField", () => {
  it("names the property an issue is about, as a path inside its location", () => {
    expect(
      validationField([
        { keyword: "required", instancePath: "", params: { missingProperty: "username" } },
      ]),
    ).toBe("username");
    expect(
      validationField([
        { keyword: "minimum", instancePath: "/lines/0/amount", params: { limit: 0 } },
      ]),
    ).toBe("lines.0.amount");
    expect(
      validationField([
        { keyword: "additionalProperties", instancePath: "", params: { additionalProperty: "x" } },
      ]),
    ).toBe("x");
  });

  it("names nothing for the whole body or no issue", () => {
    expect(validationField([{ keyword: "type", instancePath: "", params: {} }])).toBeUndefined();
    expect(validationField([])).toBeUndefined();
  });
});
