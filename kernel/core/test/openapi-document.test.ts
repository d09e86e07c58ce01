/**
 * The OpenAPI document the kernel serves with every workspace plugin loaded, walked
 * operation by operation: what a client generator or a reader of /api/docs relies on.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILE_TYPES } from "../src/http/openapi-document.js";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";
import { REPO_ROOT } from "./helpers/test-kernel.js";

const PLUGINS = ["data-entry", "reports", "telegram", "examples/notes"].map((folder) =>
  path.join(REPO_ROOT, "plugins", folder),
);
/** Routes anyone may call: no token, so no lock in the docs. */
const PUBLIC = [
  "GET /health",
  "POST /api/auth/login",
  "POST /api/auth/refresh",
  "POST /api/auth/logout",
  "POST /api/telegram/webhook",
];

type Schema = Record<string, unknown>;
interface Operation {
  key: string;
  operation: Schema & { responses: Record<string, Schema>; parameters?: Schema[] };
}

let t: TestKernel;
let document: Schema & { paths: Record<string, Record<string, Operation["operation"]>> };
let operations: Operation[] = [];

beforeAll(async () => {
  t = await startTestKernel({ root: REPO_ROOT, plugins: PLUGINS });
  const app = t.kernel.switchboard.activeApp;
  if (!app) throw new Error("no active generation");
  const answer = await app.inject({ method: "GET", url: "/api/docs/json" });
  expect(answer.statusCode).toBe(200);
  document = answer.json();
  operations = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${route}`,
      operation,
    })),
  );
}, 120_000);
afterAll(async () => t?.close());

/** The JSON schema of a response or request body, or `{}`. */
function jsonSchemaOf(holder: unknown): Schema {
  const content = (holder as { content?: Record<string, { schema?: Schema }> } | undefined)
    ?.content;
  return content?.["application/json"]?.schema ?? {};
}

function operation(key: string): Operation["operation"] {
  const found = operations.find((entry) => entry.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found.operation;
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === "object" && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe("the OpenAPI document", () => {
  it("gives every operation a summary or a description", () => {
    expect(operations.length).toBeGreaterThanOrEqual(50);
    const bare = operations
      .filter(({ operation: entry }) => !`${entry.summary ?? ""}${entry.description ?? ""}`.trim())
      .map(({ key }) => key);
    expect(bare).toEqual([]);
  });

  it("puts no lock on public routes, and a 401 on every other", () => {
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const { key, operation: entry } of operations) {
      if (PUBLIC.includes(key)) {
        expect(entry.security, key).toEqual([]);
      } else {
        expect(entry.security, key).toBeUndefined();
        expect(Object.keys(entry.responses), key).toContain("401");
      }
    }
    expect(operations.filter(({ key }) => PUBLIC.includes(key))).toHaveLength(PUBLIC.length);
  });

  it("declares the errors each kernel route can answer, and not the others", () => {
    const statuses = (key: string) => Object.keys(operation(key).responses);
    expect(statuses("POST /api/auth/login")).toEqual(["200", "400", "401", "413", "415", "429"]);
    expect(statuses("GET /api/auth/me")).toEqual(["200", "401"]);
    expect(statuses("GET /api/calendar")).toEqual(["200", "400", "401", "403", "404"]);
    expect(statuses("POST /api/kernel/plugins/{name}/enable")).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "503",
    ]);
  });

  it("names the shared shapes in components.schemas and refers to them", () => {
    const schemas = (document.components as { schemas: Record<string, Schema> }).schemas;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["Error", "PageInfo"]));
    for (const { key, operation: entry } of operations) {
      for (const [status, answer] of Object.entries(entry.responses)) {
        if (Number(status) < 400 || key === "GET /health") continue;
        expect(answer.content, `${key} ${status}`).toEqual({
          "application/json": { schema: { $ref: "#/components/schemas/Error" } },
        });
        expect(jsonSchemaOf(answer), `${key} ${status}`).toEqual({
          $ref: "#/components/schemas/Error",
        });
        expect(answer.description, `${key} ${status}`).not.toBe("Default Response");
      }
    }
    // The error shape is written out once, in components.
    expect(JSON.stringify(document.paths)).not.toContain('"request_id"');
    // Every list page refers to the pager.
    const page = jsonSchemaOf(operation("GET /api/notes/").responses["200"]);
    expect((page.allOf as Schema[])[0]).toEqual({ $ref: "#/components/schemas/PageInfo" });
    // Every reference resolves.
    for (const ref of refsIn(document)) {
      const name = ref.replace("#/components/schemas/", "");
      expect(schemas[name], ref).toBeDefined();
    }
  });

  it("declares the xlsx and pdf files a format parameter asks for", () => {
    const withFormat = operations.filter(({ operation: entry }) =>
      (entry.parameters ?? []).some(
        (parameter) =>
          parameter.name === "format" &&
          ((parameter.schema as Schema).enum as string[]).includes("xlsx"),
      ),
    );
    expect(withFormat.map(({ key }) => key)).toEqual(
      expect.arrayContaining([
        "GET /api/reports/dashboard",
        "GET /api/reports/invoices",
        "GET /api/reports/trial-balance/export",
      ]),
    );
    for (const { key, operation: entry } of withFormat) {
      const content = entry.responses["200"]?.content as Record<string, { schema: Schema }>;
      expect(content[FILE_TYPES.xlsx]?.schema, key).toMatchObject({ format: "binary" });
      expect(content[FILE_TYPES.pdf]?.schema, key).toMatchObject({ format: "binary" });
    }
  });

  it("documents how an API client gets the refresh token in the body", () => {
    const login = operation("POST /api/auth/login");
    const body = jsonSchemaOf(login.requestBody);
    expect((body.properties as Schema).refresh_token_in_body).toMatchObject({ type: "boolean" });
    const pair = jsonSchemaOf(login.responses["200"]);
    expect(pair.required).toEqual(expect.any(Array));
    expect(pair.required).not.toContain("refresh_token");
  });
});
