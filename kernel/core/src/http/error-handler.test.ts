import { describe, expect, it } from "vitest";
import { describeValidation, typedErrorDetails, validationField } from "./error-handler.js";

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

describe("typedErrorDetails (a plugin's own refusal, in the validation errors' shape)", () => {
  const post = { method: "POST", params: {}, query: {}, body: { title: "" } };

  it("splits a field named with its location", () => {
    expect(typedErrorDetails(post, "x", { field: "body.company_id" })).toEqual({
      field: "company_id",
      location: "body",
    });
  });

  it("takes the location from the message, else from where the request carries the field", () => {
    const get = { method: "GET", params: { id: "7" }, query: { page: "0" }, body: undefined };
    expect(typedErrorDetails(get, "querystring.from is after to", { field: "from" })).toEqual({
      field: "from",
      location: "querystring",
    });
    expect(typedErrorDetails(get, "page must be 1 or more", { field: "page" })?.location).toBe(
      "querystring",
    );
    expect(typedErrorDetails(get, "No such id", { field: "id" })?.location).toBe("params");
    expect(typedErrorDetails(post, "title must not be blank", { field: "title" })).toEqual({
      field: "title",
      location: "body",
    });
    // A multipart form's field: the request's body, though no JSON body was parsed.
    expect(typedErrorDetails({ ...post, body: undefined }, "x", { field: "file" })?.location).toBe(
      "body",
    );
  });

  it("keeps details without a field, and a location already given", () => {
    expect(typedErrorDetails(post, "x", { id: 3 })).toEqual({ id: 3 });
    expect(typedErrorDetails(post, "x", { field: "a", location: "headers" })).toEqual({
      field: "a",
      location: "headers",
    });
  });
});
