/**
 * The bad-input sweep: every operation of the OpenAPI document the kernel serves, with
 * every workspace plugin loaded, answers a fixed set of malformed requests (built in
 * helpers/bad-input-cases.ts) over real HTTP with a 4xx JSON error — or a 2xx when the
 * contract allows the input — and never a 5xx, a stack trace, a file path or SQL. A
 * refused request to a mutating operation leaves every plugin database, every stored
 * file and every plugin's state as it was. See docs/architecture.md ("Bad input").
 *
 * Needs the built plugins (dist/): `pnpm test` builds before vitest runs.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";
import {
  type BaseRequest,
  type CaseOptions,
  casesFor,
  contractValidator,
  exampleOf,
  FIELD_LOCATIONS,
  type JsonSchema,
  type Operation,
  type Parameter,
  type SweepCase,
} from "./helpers/bad-input-cases.js";
import { REPO_ROOT } from "./helpers/test-kernel.js";

const PLUGINS = ["data-entry", "reports", "telegram", "examples/notes"].map((folder) =>
  path.join(REPO_ROOT, "plugins", folder),
);
const BODY_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 32 * 1024;
// data-entry's multipart parser reads its ceiling from the process environment when
// its module is imported (plugins/data-entry/src/plugin.ts): small, so 413s are cheap.
process.env.DATA_ENTRY_MAX_UPLOAD_BYTES = String(UPLOAD_LIMIT);

const NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";
/** Valid values by parameter or property name; everything else comes from the schema. */
/** A complete, valid receipt: the fresh receipt per operation and the known values. */
const RECEIPT = {
  company_id: 1,
  merchant: "Sweep SRL",
  tax_id: "RO1590082",
  date: "2026-01-15",
  total: 121,
  vat: 21,
  currency: "RON",
};
const KNOWN: Record<string, unknown> = {
  ...RECEIPT,
  company: "1",
  format: "xlsx",
  account: "6022",
  expense_account: "6022",
  side: "debit",
  amount: 1,
  reason: "sweep",
  title: "sweep",
  username: "demo",
  // Never the real password: the sweep must not sign in (or be locked out) by accident.
  password: "not-the-password",
  telegram_user_id: 1,
  update_id: 1,
  attachment_id: NO_SUCH_ID,
  job_id: NO_SUCH_ID,
  // Enable / disable / reload only ever name a plugin that does not exist, so the sweep
  // cannot switch off what it is testing: bad input must still be refused first.
  name: "no-such-plugin",
};

/** Bodies of a stack frame, a file path, or SQL that must never reach a client. */
const LEAKS: Array<[string, RegExp]> = [
  ["stack frame", /\bat [^\s]+ \(?[^)\s]*:\d+:\d+/],
  ["source path", /\/work\/|node_modules|\.ts:\d+|\.js:\d+/],
  ["temp path", /roa2web-test-/],
  [
    "SQL",
    /\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\b[\s\S]*\bSET|DELETE\s+FROM)\b|SQLITE_|ORA-\d/i,
  ],
];

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let t: TestKernel;
let token = "";
let operations: Operation[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        hostname,
        port,
        method,
        path: url,
        headers: body ? { ...headers, "content-length": String(body.length) } : headers,
        timeout: 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer to ${method} ${url}`)));
    request.on("error", (error: NodeJS.ErrnoException) => {
      // The server may answer (413) and close before the whole body is written.
      if (error.code === "EPIPE" || error.code === "ECONNRESET") {
        reject(new Error(`connection closed without an answer: ${error.code}`));
      } else reject(error);
    });
    request.end(body);
  });
}

/** What is wrong with an answer to a case, or undefined. */
function problemWith(sweepCase: SweepCase, answer: Answer): string | undefined {
  const { status } = answer;
  const type = String(answer.headers["content-type"] ?? "");
  const text = answer.body.toString("utf8");
  const binary = /spreadsheetml|application\/pdf|image\/|octet-stream/.test(type);
  if (!binary) {
    for (const [what, pattern] of LEAKS) {
      if (pattern.test(text)) return `${status} body leaks a ${what}: ${text.slice(0, 300)}`;
    }
  }
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (Array.isArray(sweepCase.expect) && !sweepCase.expect.includes(status)) {
    return `expected one of ${sweepCase.expect.join(", ")}, got ${status}: ${text.slice(0, 200)}`;
  }
  if (sweepCase.expect === "reject" && (status < 400 || status >= 500)) {
    return `expected a 4xx, got ${status}: ${text.slice(0, 200)}`;
  }
  if (status < 200 || (status >= 300 && status < 400) || status >= 500) {
    return `unexpected status ${status}`;
  }
  if (status >= 400) {
    if (!type.startsWith("application/json")) return `${status} with content type "${type}"`;
    let parsed: {
      error?: {
        code?: unknown;
        message?: unknown;
        request_id?: unknown;
        details?: { field?: unknown; location?: unknown };
      };
    };
    try {
      parsed = JSON.parse(text);
    } catch {
      return `${status} body is not JSON: ${text.slice(0, 200)}`;
    }
    const error = parsed.error;
    if (typeof error?.code !== "string" || error.code === "") return `${status} without error.code`;
    if (typeof error.message !== "string" || error.message === "") {
      return `${status} without error.message`;
    }
    if (
      typeof error.request_id !== "string" ||
      error.request_id !== answer.headers["x-request-id"]
    ) {
      return `${status} whose error.request_id is not the x-request-id header`;
    }
    if (sweepCase.names !== undefined && !text.includes(sweepCase.names)) {
      return `${status} that does not name the field ${sweepCase.names}: ${text.slice(0, 200)}`;
    }
    // One shape for a refused field, from the schema or from the route's own rules.
    const details = error.details;
    if (details?.field !== undefined) {
      if (
        typeof details.field !== "string" ||
        !FIELD_LOCATIONS.includes(String(details.location))
      ) {
        return `${status} whose details.field is not {field, location}: ${text.slice(0, 200)}`;
      }
    }
    const refusal = sweepCase.refusal;
    if (refusal && status === 400) {
      if (details?.field !== refusal.field || details.location !== refusal.location) {
        return `${status} whose details are not ${JSON.stringify(refusal)}: ${text.slice(0, 200)}`;
      }
      if (refusal.message && !refusal.message.test(error.message)) {
        return `${status} whose message does not match ${refusal.message}: ${error.message}`;
      }
    }
    if (status === 415 && error.code !== "UNSUPPORTED_MEDIA_TYPE") {
      return `415 with code ${String(error.code)}`;
    }
  }
  return undefined;
}

/** Every plugin database's rows, every stored file, every plugin's state: one hash. */
function fingerprint(): string {
  const hash = createHash("sha256");
  for (const record of t.kernel.plugins.list()) {
    hash.update(`${record.name}:${record.state}\n`);
    const file = path.join(t.dataDir, "plugins", record.name, `${record.name}.db`);
    if (record.state !== "enabled" || !existsSync(file)) continue;
    const database = t.database(record.name);
    const driver = database.driver as unknown as {
      databaseConnection: { prepare(sql: string): { all(): unknown[] } };
    };
    const connection = driver.databaseConnection;
    const tables = connection
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as Array<{ name: string }>;
    for (const { name } of tables) {
      hash.update(`${name}\n`);
      hash.update(JSON.stringify(connection.prepare(`SELECT * FROM "${name}"`).all()));
    }
  }
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.db(-wal|-shm|-journal)?$/.test(entry.name)) {
        hash.update(`${full}:${statSync(full).size}\n`);
      }
    }
  };
  walk(path.join(t.dataDir, "plugins"));
  return hash.digest("hex");
}

function operationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const out: Operation[] = [];
  for (const [route, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = (
        operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined
      )?.content;
      const form = content?.["multipart/form-data"]?.schema;
      const words = `${operation.summary ?? ""} ${operation.description ?? ""}`;
      out.push({
        method: method.toUpperCase(),
        path: route,
        parameters: (operation.parameters as Parameter[] | undefined) ?? [],
        body: content?.["application/json"]?.schema,
        multipart: form !== undefined || /multipart/i.test(words),
        form,
      });
    }
  }
  return out;
}

async function json(method: string, url: string, body?: unknown) {
  const answer = await send(
    method,
    url,
    {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  );
  return { status: answer.status, body: JSON.parse(answer.body.toString() || "null") };
}

/** A fresh resource for operations on one (`{id}`), so one operation's cases cannot starve another's. */
async function baseFor(operation: Operation): Promise<BaseRequest> {
  const path: Record<string, string> = {};
  for (const parameter of operation.parameters.filter((p) => p.in === "path")) {
    path[parameter.name] = String(exampleOf(parameter.schema, KNOWN, parameter.name));
  }
  if ("id" in path && operation.path.startsWith("/api/data-entry/receipts/")) {
    const created = await json("POST", "/api/data-entry/receipts", RECEIPT);
    expect(created.status).toBe(201);
    path.id = String(created.body.id);
  }
  if ("id" in path && operation.path.startsWith("/api/notes/")) {
    const created = await json("POST", "/api/notes/", { company_id: 1, title: "sweep" });
    expect(created.status).toBe(201);
    path.id = String(created.body.id);
  }
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters.filter((p) => p.in === "query" && p.required)) {
    query[parameter.name] = String(exampleOf(parameter.schema, KNOWN, parameter.name));
  }
  const body = operation.body ? exampleOf(operation.body, KNOWN) : undefined;
  const form: Record<string, string> = {};
  for (const [name, field] of Object.entries(operation.form?.properties ?? {})) {
    if (field.format !== "binary") form[name] = String(exampleOf(field, KNOWN, name));
  }
  return { path, query, body, form };
}

beforeAll(async () => {
  for (const folder of PLUGINS) {
    if (!existsSync(path.join(folder, "dist", "plugin.js"))) {
      throw new Error(`${folder}/dist is missing: run \`pnpm build\` (pnpm test builds first)`);
    }
  }
  // No TELEGRAM_BOT_TOKEN: the bot stays unconfigured. OCR stays off (config/test.env):
  // no worker threads; its routes refuse bad input before they would need one.
  t = await startTestKernel({
    root: REPO_ROOT,
    plugins: PLUGINS,
    listen: true,
    env: {
      HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      DATA_ENTRY_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT),
      PLUGIN_PACKAGE_MAX_BYTES: String(UPLOAD_LIMIT),
      LOGIN_RATE_LIMIT_MAX: "100000",
    },
  });
  token = await t.login();
  const documentAnswer = await send("GET", "/api/docs/json", {});
  expect(documentAnswer.status).toBe(200);
  operations = operationsOf(JSON.parse(documentAnswer.body.toString()));
});

afterAll(async () => {
  agent.destroy();
  await t?.close();
});

describe("bad input, for every operation of the OpenAPI document", () => {
  // Thousands of requests: a guard against a hang, not a speed target (≈30 s here, more on a busy machine).
  it("answers each malformed request with a 4xx JSON error (or an allowed 2xx), never a 5xx or a leak, and changes nothing when it refuses", {
    timeout: 240_000,
  }, async () => {
    const options: CaseOptions = {
      bodyLimitBytes: BODY_LIMIT,
      uploadLimitBytes: UPLOAD_LIMIT,
      valid: contractValidator("text"),
      validBody: contractValidator("body"),
    };
    const statesBefore = t.kernel.plugins.list().map((record) => `${record.name}:${record.state}`);
    const problems: string[] = [];
    const perOperation = new Map<string, number>();
    let sent = 0;
    // Accepted requests that changed stored data: proof the fingerprint sees changes.
    let changesSeen = 0;
    // Cases built from a documented upload form (each must be refused naming the field).
    let formCases = 0;
    for (const operation of operations) {
      const base = await baseFor(operation);
      // Logout revokes the access token it is sent with: the sweep's own token must
      // not go there (logout is public; it needs none).
      const callerHeaders: Record<string, string> =
        operation.path === "/api/auth/logout" ? {} : { authorization: `Bearer ${token}` };
      const cases = casesFor(operation, base, callerHeaders, options);
      perOperation.set(`${operation.method} ${operation.path}`, cases.length);
      const mutating = operation.method !== "GET" && operation.method !== "HEAD";
      let before = mutating ? fingerprint() : "";
      for (const sweepCase of cases) {
        let answer: Answer;
        try {
          answer = await send(sweepCase.method, sweepCase.url, sweepCase.headers, sweepCase.body);
        } catch (error) {
          problems.push(`${sweepCase.operation} [${sweepCase.label}]: ${String(error)}`);
          continue;
        }
        sent += 1;
        if (sweepCase.names !== undefined) formCases += 1;
        const problem = problemWith(sweepCase, answer);
        if (problem) problems.push(`${sweepCase.operation} [${sweepCase.label}]: ${problem}`);
        if (!mutating) continue;
        const after = fingerprint();
        if (answer.status >= 400 && after !== before) {
          problems.push(
            `${sweepCase.operation} [${sweepCase.label}]: refused with ${answer.status} but changed stored data`,
          );
        }
        if (after !== before) changesSeen += 1;
        before = after;
      }
    }
    const statesAfter = t.kernel.plugins.list().map((record) => `${record.name}:${record.state}`);

    expect(problems).toEqual([]);
    expect(statesAfter).toEqual(statesBefore);
    expect(changesSeen).toBeGreaterThan(0);
    // Every operation of the document was swept (none skipped), with real requests.
    expect(operations.length).toBeGreaterThanOrEqual(50);
    expect(perOperation.size).toBe(operations.length);
    // GET /health and GET /api/auth/me take no input beyond a query string and a token.
    expect(Math.min(...perOperation.values())).toBeGreaterThanOrEqual(3);
    expect(sent).toBeGreaterThan(operations.length * 40);
    // The upload routes document their forms, so the sweep builds cases from them.
    const forms = operations.filter((operation) => operation.form !== undefined);
    expect(forms.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual([
      "POST /api/data-entry/ocr",
      "POST /api/data-entry/receipts/from-image",
      "POST /api/data-entry/receipts/{id}/attachments",
      "POST /api/kernel/plugins/packages",
    ]);
    // attachments: file; ocr: file, company_id a number; from-image: both, and the
    // number; a plugin package: file.
    expect(formCases).toBe(7);
    if (process.env.SWEEP_SUMMARY) {
      console.info(
        JSON.stringify({ operations: operations.length, sent, perOperation: [...perOperation] }),
      );
    }
  });

  it("answers unknown routes with a 404 JSON error", async () => {
    for (const url of [
      "/api/no-such-route",
      "/api/data-entry/no-such-route",
      "/api/kernel/plugins/x/explode",
      "/api/%",
      "/api/..%2F..%2Fetc%2Fpasswd",
      `/api/${"a".repeat(8000)}`,
    ]) {
      const answer = await send("GET", url, { authorization: `Bearer ${token}` });
      const sweepCase: SweepCase = {
        operation: "unknown route",
        label: url.slice(0, 40),
        method: "GET",
        url,
        headers: {},
        expect: "reject",
      };
      expect(problemWith(sweepCase, answer), url.slice(0, 60)).toBeUndefined();
      expect([400, 404]).toContain(answer.status);
    }
  });

  it("answers HTTP that does not parse (below the routes) with a JSON 4xx and closes", async () => {
    const { hostname, port } = new URL(t.url);
    const exchange = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => socket.end(text));
        let answer = "";
        socket.setTimeout(10_000, () => socket.destroy(new Error("no answer")));
        socket.on("data", (chunk) => {
          answer += chunk;
        });
        socket.on("close", () => resolve(answer));
        socket.on("error", reject);
      });
    const post = (headers: string, body: string) =>
      `POST /api/data-entry/receipts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
    const cases: Array<[string, string]> = [
      ["not HTTP", "NOT HTTP AT ALL\r\n\r\n"],
      ["unknown HTTP version", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n"],
      ["space in the URL", "GET /api/a b HTTP/1.1\r\nHost: x\r\n\r\n"],
      ["NUL in a header", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"],
      ["header without a colon", "GET /health HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n"],
      ["no Host header (HTTP/1.1)", "GET /health HTTP/1.1\r\n\r\n"],
      [
        "no Host header, with a body",
        post("Content-Length: 2\r\n", "{}").replace("Host: x\r\n", ""),
      ],
      [
        "headers over 16 KiB",
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      ],
      ["content-length not a number", post("Content-Length: abc\r\n", "{}")],
      ["two content-lengths", post("Content-Length: 2\r\nContent-Length: 3\r\n", "{}")],
      [
        "content-length and chunked",
        post("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n"),
      ],
      ["malformed chunk", post("Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n")],
    ];
    for (const [label, text] of cases) {
      const answer = await exchange(text);
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
      expect(status >= 400 && status < 500, `${label}: ${answer.slice(0, 80)}`).toBe(true);
      const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
      expect(JSON.parse(body).error.code, label).toEqual(expect.any(String));
    }
  });

  it("answers a method a known path does not have with a 404 or 405 JSON error", async () => {
    const methodsByPath = new Map<string, Set<string>>();
    for (const operation of operations) {
      const methods = methodsByPath.get(operation.path) ?? new Set<string>();
      methods.add(operation.method);
      methodsByPath.set(operation.path, methods);
    }
    let checked = 0;
    for (const [route, methods] of methodsByPath) {
      const url = route.replace(/\{[^}]+\}/g, "1");
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        if (methods.has(method)) continue;
        const answer = await send(method, url, { authorization: `Bearer ${token}` });
        const sweepCase: SweepCase = {
          operation: `${method} ${route}`,
          label: "wrong method",
          method,
          url,
          headers: {},
          expect: "reject",
        };
        expect(problemWith(sweepCase, answer), `${method} ${route}`).toBeUndefined();
        // 400 when the URL is also another route's (GET /receipts/from-image is
        // GET /receipts/{id} with a non-numeric id).
        expect([400, 404, 405], `${method} ${route}`).toContain(answer.status);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
