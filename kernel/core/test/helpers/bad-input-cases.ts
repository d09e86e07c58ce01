/**
 * Builds the bad-input sweep's requests from the OpenAPI document: for one operation, a
 * fixed list of malformed requests (path and query parameters, JSON bodies, content
 * types, oversized bodies), each with what the server must answer. Nothing here is
 * random, so every run sends the same requests.
 *
 * The oracle is the operation's own contract: a value its schema forbids must be
 * refused with a 4xx; a value it allows may be served (2xx) or refused for a reason the
 * schema cannot express (4xx: an unknown id, a date that does not exist). Never a 5xx.
 * Validity is decided by Ajv with the options the kernel gives Fastify (http/validation.ts).
 */
import { Ajv, type ValidateFunction } from "ajv";
import formats from "ajv-formats";

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
}

export interface Parameter {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI path, with `{name}` placeholders. */
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, when the operation documents one. */
  body: JsonSchema | undefined;
  /**
   * The operation reads multipart/form-data: it documents an upload form, or says so in
   * its summary or description.
   */
  multipart: boolean;
  /** The documented upload form (requestBody multipart/form-data schema), if any. */
  form: JsonSchema | undefined;
}

/**
 * `reject`: a 4xx is required. `any`: 2xx or 4xx (the input is allowed by the contract,
 * or the contract cannot tell). A list: one of exactly those statuses.
 */
export type Expectation = "reject" | "any" | number[];

/**
 * A body over a limit: 413, unless the request is refused before its body is read (no
 * token 401, no permission 403, a route that is not there for this caller 404).
 */
export const TOO_LARGE = [413, 401, 403, 404];
/** A body of a type the route does not take: 415, unless refused before the body is read. */
export const WRONG_TYPE = [415, 401, 403, 404];
/** A missing field: 400, unless refused before the request is validated. */
export const MISSING = [400, 401, 403, 404];

export interface SweepCase {
  operation: string;
  label: string;
  method: string;
  /** Already percent-encoded where needed; sent as is. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  expect: Expectation;
  /** A refusal must name this field (its message or details). */
  names?: string;
  /**
   * A 400 must have `details` `{field, location}` with these values, and a message that
   * matches `message` when given (a missing field "is required").
   */
  refusal?: { field: string; location: string; message?: RegExp };
}

/** Where a refused field was sent, as `details.location` says it. */
export const FIELD_LOCATIONS = ["body", "querystring", "params", "headers"];

export interface BaseRequest {
  /** A valid value for each path parameter (raw, not encoded). */
  path: Record<string, string>;
  /** A valid value for each required query parameter. */
  query: Record<string, string>;
  /** A valid JSON body, when the operation has one. */
  body: unknown;
  /** A valid value for each plain (not file) field of the upload form, if any. */
  form?: Record<string, string>;
}

/**
 * The Ajv settings Fastify compiles route schemas with in the kernel (http/validation.ts):
 * text parts (path, query, headers) are coerced to their types, JSON bodies are not.
 */
export function contractValidator(
  part: "text" | "body" = "text",
): (schema: JsonSchema, data: unknown) => boolean {
  const ajv = new Ajv({
    coerceTypes: part === "body" ? false : "array",
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  // Ajv reads OpenAPI's `nullable` itself, as Fastify's does.
  // ajv-formats is CommonJS: its function is also its `default` property.
  formats.default(ajv);
  const compiled = new Map<JsonSchema, ValidateFunction>();
  return (schema, data) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    // Coercion and defaults mutate: validate a copy.
    return validate(data === undefined ? null : structuredClone(data)) === true;
  };
}

const LONG = 10_000;
const NUL = "\u0000";
const CONTROL = "\u0001\u001f\u007f";
const UNICODE = "\u2603\u{1F600}\u202E";
/**
 * Characters no text field takes (issue 14: the SDK's singleLineText/multiLineText): a
 * C0 and a C1 control, bidi overrides, isolates and marks, a lone surrogate. Sent in
 * every string of every JSON body, each must be a 4xx whatever the field is.
 */
const REFUSED_IN_TEXT: Array<[string, string]> = [
  ["C0 control", "\u0001"],
  ["C1 control", "\u0085"],
  ["bidi override", "\u202e"],
  ["bidi isolate", "\u2066"],
  ["bidi mark", "\u200f"],
  ["lone surrogate", "\ud800"],
];

/** Values for a path or query parameter, as the raw text that reaches the server. */
function parameterValues(schema: JsonSchema): Array<[string, string]> {
  const values: Array<[string, string]> = [
    ["wrong type", "abc"],
    ["negative", "-1"],
    ["zero", "0"],
    ["fraction", "1.5"],
    ["exponent", "1e20"],
    ["beyond 2^64", "99999999999999999999999"],
    ["NaN", "NaN"],
    ["Infinity", "Infinity"],
    ["empty", ""],
    ["over-long digits", "9".repeat(LONG)],
    ["over-long text", "a".repeat(LONG)],
    ["NUL", NUL],
    ["control characters", CONTROL],
    ["unicode", UNICODE],
    ["path traversal", "../../etc/passwd"],
    ["SQL", "1' OR '1'='1"],
    ["JSON", '{"a":1}'],
  ];
  if (schema.enum) values.push(["enum, other case", String(schema.enum[0]).toUpperCase()]);
  if (schema.format === "uuid") {
    values.push(["uuid without dashes", "00000000000040008000000000000000"]);
  }
  return values;
}

function encode(value: string): string {
  return encodeURIComponent(value);
}

function fill(path: string, values: Record<string, string>, raw: Record<string, string> = {}) {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    name in raw ? (raw[name] as string) : encode(values[name] ?? ""),
  );
}

function queryString(entries: Array<[string, string]>): string {
  if (entries.length === 0) return "";
  return `?${entries.map(([key, value]) => `${encode(key)}=${encode(value)}`).join("&")}`;
}

function objectSchema(parameters: Parameter[]): JsonSchema {
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}

/** A multipart/form-data body from parts (`filename` makes a file part). */
export function multipartBody(
  boundary: string,
  parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>,
  close = true,
): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"`
      : `form-data; name="${part.name}"`;
    const type = part.type ? `\r\nContent-Type: ${part.type}` : "";
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from("\r\n"));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Wrong-typed stand-ins for a body property. */
function wrongValues(schema: JsonSchema): Array<[string, unknown]> {
  const values: Array<[string, unknown]> = [
    ["null", null],
    ["true", true],
    ["number", 12345],
    ["text", "abc"],
    ["array", ["a", 1]],
    ["object", { nested: { deeper: [1, 2, 3] } }],
    ["negative", -1],
    ["zero", 0],
    ["huge", 1e308],
    ["beyond safe integer", 2 ** 64],
    ["fraction", 0.000001],
    ["numeric text", "1e20"],
    // A JSON body is not coerced: a number given as text or as a boolean is refused.
    ["number as text", "10"],
    ["false", false],
    ["NaN text", "NaN"],
    ["empty text", ""],
    ["blank text", "   "],
    ["over-long text", "x".repeat(LONG)],
    ["NUL in text", `a${NUL}b`],
    ["control characters", CONTROL],
    ["unicode", UNICODE],
    ["SQL", "'); DROP TABLE receipts; --"],
  ];
  if (schema.type === "array") values.push(["array of 1000 items", Array(1000).fill({})]);
  return values;
}

export interface CaseOptions {
  bodyLimitBytes: number;
  /** Bytes just above the largest upload a multipart operation accepts. */
  uploadLimitBytes: number;
  /** Whether path, query or header values satisfy a schema (coerced from text). */
  valid: (schema: JsonSchema, data: unknown) => boolean;
  /** Whether a JSON body satisfies its schema (not coerced). */
  validBody: (schema: JsonSchema, data: unknown) => boolean;
}

const JSON_TYPE = { "content-type": "application/json" };

/** Every case for one operation. `headers` carries the caller's authorization. */
export function casesFor(
  operation: Operation,
  base: BaseRequest,
  headers: Record<string, string>,
  options: CaseOptions,
): SweepCase[] {
  const name = `${operation.method} ${operation.path}`;
  const cases: SweepCase[] = [];
  const pathParameters = operation.parameters.filter((p) => p.in === "path");
  const queryParameters = operation.parameters.filter((p) => p.in === "query");
  const baseQuery = Object.entries(base.query);
  const baseUrl = fill(operation.path, base.path) + queryString(baseQuery);
  const hasBody = operation.body !== undefined;
  const bodyOf = (value: unknown) => Buffer.from(JSON.stringify(value));
  const baseBody = hasBody ? bodyOf(base.body) : undefined;
  const baseHeaders = baseBody ? { ...headers, ...JSON_TYPE } : headers;
  const add = (label: string, expect: Expectation, change: Partial<SweepCase>) => {
    cases.push({
      operation: name,
      label,
      method: operation.method,
      url: baseUrl,
      headers: baseHeaders,
      body: baseBody,
      expect,
      ...change,
    });
  };

  // Path parameters: each replaced by a bad value (the others stay valid).
  const paramsSchema = objectSchema(pathParameters);
  for (const parameter of pathParameters) {
    for (const [label, value] of parameterValues(parameter.schema)) {
      const values = { ...base.path, [parameter.name]: value };
      // An empty segment routes elsewhere (or nowhere): 4xx either way.
      const valid = value !== "" && options.valid(paramsSchema, values);
      add(`path ${parameter.name}: ${label}`, valid ? "any" : "reject", {
        url:
          fill(operation.path, base.path, { [parameter.name]: encode(value) }) +
          queryString(baseQuery),
      });
    }
    // Raw (unencoded or malformed) segments, as a hand-written client might send them.
    const raw: Array<[string, string]> = [
      ["encoded slash traversal", "..%2F..%2Fetc%2Fpasswd"],
      ["malformed percent-encoding", "%E0%A4%A"],
      ["lone percent", "%"],
      ["encoded NUL", "%00"],
    ];
    for (const [label, value] of raw) {
      add(`path ${parameter.name}: ${label}`, "reject", {
        url: fill(operation.path, base.path, { [parameter.name]: value }) + queryString(baseQuery),
      });
    }
  }

  // Query parameters: each replaced by a bad value, repeated, or (if required) left out.
  const querySchema = objectSchema(queryParameters);
  for (const parameter of queryParameters) {
    const others = baseQuery.filter(([key]) => key !== parameter.name);
    for (const [label, value] of parameterValues(parameter.schema)) {
      const query = { ...base.query, [parameter.name]: value };
      add(
        `query ${parameter.name}: ${label}`,
        options.valid(querySchema, query) ? "any" : "reject",
        {
          url: fill(operation.path, base.path) + queryString([...others, [parameter.name, value]]),
        },
      );
    }
    const repeated = base.query[parameter.name] ?? "1";
    const arrayQuery = { ...base.query, [parameter.name]: [repeated, "2"] };
    add(
      `query ${parameter.name}: array`,
      options.valid(querySchema, arrayQuery) ? "any" : "reject",
      {
        url:
          fill(operation.path, base.path) +
          queryString([...others, [parameter.name, repeated], [parameter.name, "2"]]),
      },
    );
    add(`query ${parameter.name}: malformed percent-encoding`, "any", {
      url: `${fill(operation.path, base.path)}${queryString(others)}${others.length ? "&" : "?"}${encode(parameter.name)}=%E0%A4%A`,
    });
    if (parameter.required) {
      add(`query ${parameter.name}: missing`, MISSING, {
        url: fill(operation.path, base.path) + queryString(others),
        refusal: {
          field: parameter.name,
          location: "querystring",
          message: new RegExp(`^querystring\\.${parameter.name} is required$`),
        },
      });
    }
  }
  // Unknown query parameters are ignored by design (forward compatibility): any.
  add("query: unknown parameter", "any", {
    url: fill(operation.path, base.path) + queryString([...baseQuery, ["unknown_param", "1"]]),
  });
  add("query: 200 parameters", "any", {
    url:
      fill(operation.path, base.path) +
      queryString([
        ...baseQuery,
        ...Array.from({ length: 200 }, (_, i): [string, string] => [`p${i}`, "x"]),
      ]),
  });

  // Authorization that is not a valid token: 401, except on public routes.
  add("authorization: garbage bearer", "any", {
    headers: { ...baseHeaders, authorization: "Bearer not.a.token" },
  });

  if (operation.method === "GET" || operation.method === "HEAD") return cases;

  // Bodies. `schema` is the body contract, or none (then any body is ignored or refused).
  const schema = operation.body;
  const verdict = (value: unknown): Expectation =>
    schema ? (options.validBody(schema, value) ? "any" : "reject") : "any";
  const json = (label: string, text: string | Buffer, expect: Expectation) =>
    add(`body: ${label}`, expect, {
      headers: { ...headers, ...JSON_TYPE },
      body: Buffer.isBuffer(text) ? text : Buffer.from(text),
    });

  json("invalid JSON", '{"a":', "reject");
  json("trailing garbage", '{"a":1} x', "reject");
  json("empty with a JSON content type", "", "reject");
  json("__proto__ key", '{"__proto__":{"admin":true}}', "reject");
  json("constructor.prototype key", '{"constructor":{"prototype":{"admin":true}}}', "reject");
  // JSON's parser reads bytes that are not UTF-8 as U+FFFD (lenient, as JSON.parse is):
  // what counts is the contract on the decoded text.
  json(
    "invalid UTF-8",
    Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    verdict({ "\ufffd\ufffd": 1 }),
  );
  // An array like any other to the contract (too deep for the validator to copy).
  json("deeply nested", `${"[".repeat(5000)}${"]".repeat(5000)}`, verdict([[]]));
  for (const [label, value] of [
    ["array", []],
    ["string", "text"],
    ["null", null],
    ["number", 42],
    ["boolean", true],
    ["empty object", {}],
  ] as Array<[string, unknown]>) {
    json(`top level ${label}`, JSON.stringify(value), verdict(value));
  }
  add("body: none", schema ? verdict(undefined) : "any", {
    headers,
    body: undefined,
  });

  if (schema && isRecord(base.body)) {
    const valid = base.body;
    const extra = { ...valid, unknown_field: "x" };
    json("unknown extra field", JSON.stringify(extra), verdict(extra));
    for (const key of schema.required ?? []) {
      const { [key]: _left, ...rest } = valid;
      add(`body: without required ${key}`, MISSING, {
        headers: { ...headers, ...JSON_TYPE },
        body: Buffer.from(JSON.stringify(rest)),
        refusal: {
          field: key,
          location: "body",
          message: new RegExp(`^body\\.${key} is required$`),
        },
      });
    }
    // `type` may be a list (["string", "null"]) although JsonSchema declares one name.
    const isText = (property: JsonSchema) => {
      const type: unknown = property.type;
      return type === "string" || (Array.isArray(type) && type.includes("string"));
    };
    for (const [key, propertySchema] of Object.entries(schema.properties ?? {})) {
      if (isText(propertySchema)) {
        for (const [label, character] of REFUSED_IN_TEXT) {
          const changed = { ...valid, [key]: `a${character}b` };
          json(`${key}: text with a ${label}`, JSON.stringify(changed), "reject");
        }
      }
      for (const [label, value] of wrongValues(propertySchema)) {
        const changed = { ...valid, [key]: value };
        json(`${key}: ${label}`, JSON.stringify(changed), verdict(changed));
      }
      if (propertySchema.type === "array" && propertySchema.items?.properties) {
        const item = Array.isArray(valid[key]) ? (valid[key] as unknown[])[0] : undefined;
        if (isRecord(item)) {
          for (const [itemKey, itemSchema] of Object.entries(propertySchema.items.properties)) {
            if (isText(itemSchema)) {
              for (const [label, character] of REFUSED_IN_TEXT) {
                const changed = { ...valid, [key]: [{ ...item, [itemKey]: `a${character}b` }] };
                json(
                  `${key}[0].${itemKey}: text with a ${label}`,
                  JSON.stringify(changed),
                  "reject",
                );
              }
            }
            for (const [label, value] of wrongValues(itemSchema)) {
              const changed = { ...valid, [key]: [{ ...item, [itemKey]: value }] };
              json(`${key}[0].${itemKey}: ${label}`, JSON.stringify(changed), verdict(changed));
            }
          }
        }
      }
    }
  }

  // Content types other than JSON. A route with a JSON body contract or an upload form
  // refuses them with a 415 (even text/plain holding valid JSON); a route without one
  // either ignores the body or refuses it (415).
  const refusesOthers: Expectation = schema || operation.multipart ? WRONG_TYPE : "any";
  const text = baseBody ?? Buffer.from("{}");
  add("content type: text/plain", refusesOthers, {
    headers: { ...headers, "content-type": "text/plain" },
    body: text,
  });
  add("content type: text/plain; charset=utf-8", refusesOthers, {
    headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
    body: text,
  });
  add("content type: form-urlencoded", refusesOthers, {
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body: Buffer.from("company_id=1&merchant=x"),
  });
  add("content type: application/xml", refusesOthers, {
    headers: { ...headers, "content-type": "application/xml" },
    body: Buffer.from("<a/>"),
  });
  add("content type: JSON in UTF-16", refusesOthers === "any" ? "any" : "reject", {
    headers: { ...headers, "content-type": "application/json; charset=utf-16" },
    body: Buffer.from(JSON.stringify(base.body ?? {}), "utf16le"),
  });
  add("content type: none, with a body", "any", {
    headers,
    body: text,
  });

  // Multipart: refused by JSON routes; the upload routes need a `file` part.
  const multipartExpect: Expectation = operation.multipart || schema ? "reject" : "any";
  const boundary = "sweepBoundary7MA4YWxk";
  const multipartType = { "content-type": `multipart/form-data; boundary=${boundary}` };
  add("multipart: no parts", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: Buffer.from(`--${boundary}--\r\n`),
  });
  add("multipart: empty body", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: Buffer.alloc(0),
  });
  add("multipart: no boundary", multipartExpect, {
    headers: { ...headers, "content-type": "multipart/form-data" },
    body: multipartBody(boundary, [{ name: "file", value: "x", filename: "a.png" }]),
  });
  add("multipart: file in the wrong field", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: multipartBody(boundary, [
      { name: "company_id", value: "1" },
      { name: "photo", value: "not an image", filename: "a.png", type: "image/png" },
    ]),
  });
  add("multipart: text posing as an image", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: multipartBody(boundary, [
      { name: "company_id", value: "1" },
      { name: "file", value: "definitely not a PNG", filename: "a.png", type: "image/png" },
    ]),
  });
  add("multipart: company_id not a number", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: multipartBody(boundary, [
      { name: "company_id", value: "abc" },
      { name: "file", value: "x", filename: "a.png", type: "image/png" },
    ]),
  });
  add("multipart: company_id of no company", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: multipartBody(boundary, [
      { name: "company_id", value: "999999" },
      { name: "file", value: "x", filename: "a.png", type: "image/png" },
    ]),
  });
  add("multipart: truncated (no closing boundary)", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: multipartBody(
      boundary,
      [
        { name: "company_id", value: "1" },
        { name: "file", value: "\u0089PNG\r\n", filename: "a.png", type: "image/png" },
      ],
      false,
    ),
  });
  add("multipart: file name with a path and NUL", multipartExpect, {
    headers: { ...headers, ...multipartType },
    body: multipartBody(boundary, [
      { name: "company_id", value: "1" },
      { name: "file", value: "x", filename: `../../${NUL}evil.png`, type: "image/png" },
    ]),
  });
  // The documented upload form: each required field left out, each number field not a
  // number; the refusal must name the field. Fields go in the documented order.
  const form = operation.form;
  if (form?.properties) {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    type Part = Parameters<typeof multipartBody>[1][number];
    const partsOf = (change: Record<string, string | undefined>): Part[] =>
      Object.entries(form.properties ?? {}).flatMap(([key, field]): Part[] => {
        const value = key in change ? change[key] : base.form?.[key];
        if (field.format === "binary") {
          return key in change && value === undefined
            ? []
            : [{ name: key, value: png, filename: "a.png", type: "image/png" }];
        }
        return value === undefined ? [] : [{ name: key, value }];
      });
    for (const key of form.required ?? []) {
      add(`multipart: without required ${key}`, "reject", {
        headers: { ...headers, ...multipartType },
        body: multipartBody(boundary, partsOf({ [key]: undefined })),
        names: key,
        refusal: { field: key, location: "body" },
      });
    }
    for (const [key, field] of Object.entries(form.properties)) {
      if (field.type !== "integer" && field.type !== "number") continue;
      add(`multipart: ${key} not a number`, "reject", {
        headers: { ...headers, ...multipartType },
        body: multipartBody(boundary, partsOf({ [key]: "abc" })),
        names: key,
        refusal: { field: key, location: "body" },
      });
    }
  }
  if (operation.multipart) {
    // A file over the upload limit, with the PNG signature so it is not refused as
    // an unknown type first: 413.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    add("multipart: file over the upload limit", TOO_LARGE, {
      headers: { ...headers, ...multipartType },
      body: multipartBody(boundary, [
        { name: "company_id", value: "1" },
        {
          name: "file",
          value: Buffer.concat([png, Buffer.alloc(options.uploadLimitBytes)]),
          filename: "big.png",
          type: "image/png",
        },
      ]),
    });
  }

  // Over the kernel's body limit: 413 before anything is parsed.
  add("body: over the body limit", TOO_LARGE, {
    headers: { ...headers, ...JSON_TYPE },
    body: Buffer.from(`{"a":"${"x".repeat(options.bodyLimitBytes)}"}`),
  });
  return cases;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A minimal valid value for a schema; `known` gives values by property name first. */
export function exampleOf(
  schema: JsonSchema,
  known: Record<string, unknown>,
  name?: string,
): unknown {
  if (name !== undefined && name in known) return known[name];
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        out[key] = exampleOf(schema.properties?.[key] ?? {}, known, key);
      }
      return out;
    }
    case "array":
      return schema.items ? [exampleOf(schema.items, known)] : [];
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return false;
    default:
      if (schema.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      return "x";
  }
}
