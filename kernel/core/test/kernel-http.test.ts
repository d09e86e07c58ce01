import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject, startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

let t: TestKernel;
let token: string;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  t = await startTestKernel({ listen: true, logLines });
  token = await t.login();
});
afterAll(async () => t?.close());

const auth = () => ({ authorization: `Bearer ${token}` });

describe("kernel HTTP surface", () => {
  it("returns the request id in a header; a client's own id only counts from a trusted proxy", async () => {
    const fresh = await fetch(`${t.url}/health`);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    // No TRUST_PROXY here: the peer is a client, whose id could collide with or forge others.
    const given = await fetch(`${t.url}/api/nothing`, {
      headers: { "x-request-id": "proxy-abc.123" },
    });
    const id = given.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    expect(((await given.json()) as { error: { request_id: string } }).error.request_id).toBe(id);
    const hostile = await fetch(`${t.url}/health`, { headers: { "x-request-id": "<script>" } });
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  });

  it("writes one access line for errors, with the request id", async () => {
    const response = await fetch(`${t.url}/api/nothing-at-all`);
    const id = response.headers.get("x-request-id");
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const line = logLines.find((entry) => entry.reqId === id && entry.msg === "request completed");
    expect(line).toMatchObject({
      module: "http",
      method: "GET",
      url: "/api/nothing-at-all",
      statusCode: 404,
      level: 40,
    });
  });

  it("sets security headers on every response, errors included", async () => {
    for (const url of ["/health", "/api/nothing", "/api/good/public", "/api/good/boom"]) {
      const response = await fetch(`${t.url}${url}`);
      await response.arrayBuffer();
      const api = url.startsWith("/api/");
      expect(response.headers.get("x-content-type-options"), url).toBe("nosniff");
      // JSON answers: the API set only; documents: helmet's set for a same-origin page.
      expect(response.headers.get("content-security-policy"), url).toMatch(
        api ? /^default-src 'none';frame-ancestors 'none'$/ : /default-src 'self'/,
      );
      expect(response.headers.get("x-frame-options"), url).toBe(api ? "DENY" : "SAMEORIGIN");
      expect(response.headers.get("cross-origin-opener-policy"), url).toBe(
        api ? null : "same-origin",
      );
      expect(response.headers.get("x-request-id"), url).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    }
  });

  it("sends HSTS only over HTTPS: never on plain HTTP, nor from an untrusted proxy header", async () => {
    const attempts: Array<Record<string, string>> = [{}, { "x-forwarded-proto": "https" }];
    for (const headers of attempts) {
      const response = await fetch(`${t.url}/api/good/public`, { headers });
      await response.arrayBuffer();
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await fetch(`${t.url}/api/nothing-here?x=1`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      code: "NOT_FOUND",
      message: "No route GET /api/nothing-here",
    });
    expect(body.error.request_id).toBe(response.headers.get("x-request-id"));
  });

  // Found by the bad-input sweep: Fastify's router answered these itself, in its own shape.
  it("answers an undecodable URL (400) and an over-long path segment (414) as JSON errors", async () => {
    const raw = (path: string, method = "GET") =>
      new Promise<{ status: number; id: unknown; body: string }>((resolve, reject) => {
        const { hostname, port } = new URL(t.url);
        const request = http.request(
          { hostname, port, path, method, headers: auth() },
          (response) => {
            let body = "";
            response.on("data", (chunk) => {
              body += chunk;
            });
            response.on("end", () =>
              resolve({
                status: response.statusCode ?? 0,
                id: response.headers["x-request-id"],
                body,
              }),
            );
          },
        );
        request.on("error", reject);
        request.end();
      });
    for (const [path, status, code] of [
      ["/api/%", 400, "BAD_URL"],
      ["/api/kernel/plugins/%E0%A4%A/enable", 400, "BAD_URL"],
      [`/api/kernel/plugins/${"a".repeat(200)}/enable`, 414, "URI_TOO_LONG"],
    ] as const) {
      const answer = await raw(path, path.endsWith("enable") ? "POST" : "GET");
      expect(answer.status, path.slice(0, 40)).toBe(status);
      const error = JSON.parse(answer.body).error;
      expect(error.code).toBe(code);
      expect(error.request_id).toBe(answer.id);
      expect(answer.body).not.toContain(path);
    }
  });

  it("answers HTTP that Node's parser refuses with a JSON error too, not a bare status line", async () => {
    const { hostname, port } = new URL(t.url);
    const exchange = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => socket.end(text));
        let answer = "";
        socket.on("data", (chunk) => {
          answer += chunk;
        });
        socket.on("close", () => resolve(answer));
        socket.on("error", reject);
      });
    for (const [text, status, code] of [
      ["NOT HTTP AT ALL\r\n\r\n", 400, "BAD_REQUEST"],
      ["GET /health HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST"], // HTTP/1.1 without Host
      [
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
        431,
        "HEADERS_TOO_LARGE",
      ],
    ] as const) {
      const answer = await exchange(text);
      expect(answer.startsWith(`HTTP/1.1 ${status} `), answer.slice(0, 40)).toBe(true);
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
      expect(body.error.code).toBe(code);
      expect(answer).toContain(`x-request-id: ${body.error.request_id}`);
      expect(answer.toLowerCase()).toContain("x-content-type-options: nosniff");
    }
  });

  it("refuses numbers that are not finite or not safe integers with a 400, as every other bad value", async () => {
    for (const company of ["Infinity", "1e400", "9".repeat(400), "9007199254740993"]) {
      const response = await fetch(`${t.url}/api/calendar?company=${company}`, {
        headers: auth(),
      });
      expect(response.status, company.slice(0, 20)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "VALIDATION_FAILED",
      );
    }
  });

  it("turns a throwing plugin route into a JSON 500 without internals", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/api/good/boom" });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: {
        code: "INTERNAL",
        message: "Internal server error",
        request_id: expect.stringMatching(/^[0-9a-f]{12}-[0-9a-z]+$/),
      },
    });
    expect(response.body).not.toContain("passwd");
  });

  it("logs a plugin route's failure with the plugin's name, the request id and the cause", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/api/good/boom" });
    const line = logLines.find(
      (entry) => entry.reqId === response.json().error.request_id && entry.level === 50,
    );
    expect(line).toMatchObject({ module: "good", msg: "Unhandled error while serving a request" });
    expect(JSON.stringify(line)).toContain("secret internal detail");
  });

  it("gives a plugin exactly the deps it declared, its own settings and its state, never the kernel's internals", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/api/good/isolation" });
    expect(response.json()).toEqual({
      deps: ["erp", "logger", "settings", "users"],
      settings: "GOOD_",
      greeting: expect.stringMatching(/^hello from instance \d+$/),
      erpDialect: "sqlite",
      runtime: [
        "dataDir",
        "database",
        "events",
        "kernel",
        "name",
        "provide",
        "reportHealth",
        "signal",
        "version",
      ],
    });
  });

  it("lets a plugin read a user's current grants through the kernel.users service", async () => {
    const created = await t.kernel.users.create({
      username: "grantee",
      password: "grantee-pass",
      permissions: ["good:read"],
      companies: [3],
    });
    const first = await inject(t.kernel, {
      method: "GET",
      url: `/api/good/grants/${created.id}`,
      headers: auth(),
    });
    expect(first.json()).toEqual({
      username: "grantee",
      permissions: ["good:read"],
      companies: [3],
    });
    const unknown = await inject(t.kernel, {
      method: "GET",
      url: "/api/good/grants/9999",
      headers: auth(),
    });
    expect(unknown.json()).toEqual({ unknown: true });
  });

  it("passes typed plugin errors through with their code and details", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/api/good/missing" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: "NOT_FOUND",
      message: "No such note",
      details: { id: 7 },
    });
  });

  it("rejects malformed JSON and wrong bodies with a 400 that names the field", async () => {
    const broken = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe("BAD_REQUEST");
    const missing = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: auth(),
      payload: { txt: "x" },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: "body.text is required",
      details: { field: "text", location: "body" },
    });
    const tooLong = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: auth(),
      payload: { text: "x".repeat(101) },
    });
    expect(tooLong.json().error.message).toBe("body.text must NOT have more than 100 characters");
  });

  it("refuses a JSON body that is not UTF-8 instead of storing replacement characters", async () => {
    const post = (payload: Buffer | string, contentType = "application/json") =>
      inject(t.kernel, {
        method: "POST",
        url: "/api/good/notes",
        headers: { ...auth(), "content-type": contentType },
        payload,
      });
    const first = await post(JSON.stringify({ text: "Bună ziua, țară" }));
    expect(first.statusCode).toBe(201);
    const count = first.json().count as number;
    // "Bun\xe3" is Latin-2 for "Bună": not UTF-8. So are a cut-off sequence and a lone byte.
    for (const text of [
      Buffer.from([0x42, 0x75, 0x6e, 0xe3]),
      Buffer.from([0xc3]),
      Buffer.from([0xff]),
    ]) {
      const body = Buffer.concat([Buffer.from('{"text":"'), text, Buffer.from('"}')]);
      for (const type of ["application/json", "application/json; charset=utf-8"]) {
        const refused = await post(body, type);
        expect(refused.statusCode, type).toBe(400);
        expect(refused.json().error).toMatchObject({
          code: "BAD_REQUEST",
          details: { reason: "invalid_utf8" },
        });
      }
    }
    // Fastify's guards still hold behind the UTF-8 check: prototype keys, empty bodies.
    const poisoned = await post('{"text":"x","__proto__":{"admin":true}}');
    expect(poisoned.statusCode).toBe(400);
    expect((await post("")).statusCode).toBe(400);
    const after = await post(JSON.stringify({ text: "again" }));
    expect(after.json().count).toBe(count + 1);
  });

  it("refuses a body over the limit with 413 JSON", async () => {
    const response = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: { ...auth(), "content-type": "application/json" },
      payload: JSON.stringify({ text: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("accepts multipart uploads only on plugins that declare them, within their size limit", async () => {
    const form = (bytes: number) => {
      const body = new FormData();
      body.append("file", new Blob([new Uint8Array(bytes)]), "scan.jpg");
      return body;
    };
    const small = await fetch(`${t.url}/api/good/upload`, {
      method: "POST",
      headers: auth(),
      body: form(100),
    });
    expect(await small.json()).toEqual({ received: true, filename: "scan.jpg", bytes: 100 });
    const big = await fetch(`${t.url}/api/good/upload`, {
      method: "POST",
      headers: auth(),
      body: form(5000),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    const elsewhere = await fetch(`${t.url}/api/auth/login`, { method: "POST", body: form(10) });
    expect(elsewhere.status).toBe(415);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("serves the OpenAPI document with kernel and plugin routes", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/api/docs/json" });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(["/api/auth/login", "/api/companies", "/health", "/api/good/ping"]),
    );
    // Sign-in needs a body; logout and refresh may come without one (cookie or bearer).
    const operations = response.json().paths;
    expect(operations["/api/auth/login"].post.requestBody.required).toBe(true);
    expect(operations["/api/auth/logout"].post.requestBody.required).toBe(false);
    expect(operations["/api/auth/refresh"].post.requestBody.required).toBe(false);
    const ui = await inject(t.kernel, { method: "GET", url: "/api/docs" });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it("documents a route's upload form (multipartBody) as its multipart/form-data request body", async () => {
    const document = (await inject(t.kernel, { method: "GET", url: "/api/docs/json" })).json();
    const form = {
      type: "object",
      required: ["file"],
      properties: {
        label: { type: "string", description: "Optional, before `file`" },
        file: { type: "string", format: "binary", description: "The scan" },
      },
    };
    const upload = document.paths["/api/good/upload"].post.requestBody;
    expect(upload).toEqual({
      required: true,
      content: { "multipart/form-data": { schema: form } },
    });
    // The fields in the order the plugin wrote them (the order a client should send).
    expect(Object.keys(upload.content["multipart/form-data"].schema.properties)).toEqual([
      "label",
      "file",
    ]);
    // A route taking JSON or an upload shows both; the keyword is not in the document.
    const scans = document.paths["/api/good/scans"].post.requestBody;
    expect(Object.keys(scans.content)).toEqual(["application/json", "multipart/form-data"]);
    expect(scans.content["application/json"].schema).toMatchObject({ required: ["url"] });
    expect(scans.content["multipart/form-data"].schema).toEqual(form);
    expect(JSON.stringify(document)).not.toContain("multipartBody");
    // Routes without the keyword are untouched.
    expect(document.paths["/api/good/notes"].post.requestBody.content).toEqual({
      "application/json": { schema: expect.objectContaining({ required: ["text"] }) },
    });
  });

  it("reads uploads on a route with a JSON body and an upload form, and still validates the JSON", async () => {
    const form = new FormData();
    form.append("label", "march");
    form.append("file", new Blob([new Uint8Array(10)]), "scan.jpg");
    const upload = await fetch(`${t.url}/api/good/scans`, {
      method: "POST",
      headers: auth(),
      body: form,
    });
    expect(upload.status).toBe(200);
    expect(await upload.json()).toEqual({ from: "upload", label: "march", bytes: 10 });
    const json = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/scans",
      headers: auth(),
      payload: { url: "https://example.test/a.jpg" },
    });
    expect(json.json()).toEqual({ from: "json", url: "https://example.test/a.jpg" });
    const invalid = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/scans",
      headers: auth(),
      payload: { link: "x" },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe("VALIDATION_FAILED");
  });

  it("writes to the plugin's own migrated database", async () => {
    const first = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: auth(),
      payload: { text: "hello" },
    });
    expect(first.statusCode).toBe(201);
    const second = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers: auth(),
      payload: { text: "again" },
    });
    expect(second.json().count).toBe(first.json().count + 1);
  });
});

describe("CORS (allow-list)", () => {
  let cors: TestKernel;
  const allowed = "https://books.example.ro";
  beforeAll(async () => {
    cors = await startTestKernel({ env: { CORS_ORIGINS: `${allowed},http://localhost:5173` } });
  });
  afterAll(() => cors.close());

  it("answers an allowed origin, ignores others, and refuses OPTIONS that is no preflight as JSON", async () => {
    const simple = await inject(cors.kernel, {
      method: "GET",
      url: "/health",
      headers: { origin: allowed },
    });
    expect(simple.headers["access-control-allow-origin"]).toBe(allowed);
    expect(simple.headers["access-control-expose-headers"]).toContain("x-request-id");
    const stranger = await inject(cors.kernel, {
      method: "GET",
      url: "/health",
      headers: { origin: "https://evil.example" },
    });
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();

    const preflight = await inject(cors.kernel, {
      method: "OPTIONS",
      url: "/api/companies",
      headers: {
        origin: allowed,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(allowed);
    expect(preflight.headers["access-control-allow-credentials"]).toBe("true");

    const notPreflight = await inject(cors.kernel, { method: "OPTIONS", url: "/api/companies" });
    expect(notPreflight.statusCode).toBe(400);
    expect(notPreflight.headers["content-type"]).toContain("application/json");
    expect(notPreflight.json().error).toMatchObject({ code: "BAD_REQUEST" });
    expect(notPreflight.json().error.request_id).toBe(notPreflight.headers["x-request-id"]);
  });
});

describe("companies and calendar", () => {
  it("lists the companies of the demo ERP for a user granted all", async () => {
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/api/companies",
      headers: auth(),
    });
    expect(response.statusCode).toBe(200);
    const items = response.json().items;
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items[0]).toMatchObject({
      id: expect.any(Number),
      name: expect.any(String),
      tax_id: expect.any(String),
    });
  });

  it("shows a limited user only their companies and refuses others' calendars", async () => {
    await t.kernel.users.create({
      username: "Viewer",
      password: "viewer-pass",
      permissions: ["good:read"],
      companies: [2],
    });
    const viewer = await t.login("viewer", "viewer-pass");
    const companies = await inject(t.kernel, {
      method: "GET",
      url: "/api/companies",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(companies.json().items.map((company: { id: number }) => company.id)).toEqual([2]);
    const own = await inject(t.kernel, {
      method: "GET",
      url: "/api/calendar?company=2",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(own.statusCode).toBe(200);
    const other = await inject(t.kernel, {
      method: "GET",
      url: "/api/calendar?company=1",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(other.statusCode).toBe(403);
    // Worded as the plugins word it (the SDK's CompanyNotAllowedError).
    expect(other.json().error).toMatchObject({
      code: "FORBIDDEN",
      message: "You may not see company 1",
      details: { company: 1 },
    });
  });

  it("returns at least 24 months of periods, newest first, with open and closed ones", async () => {
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/api/calendar?company=1",
      headers: auth(),
    });
    const body = response.json();
    const months = body.years.flatMap(
      (year: { months: Array<{ period: string; closed: boolean }> }) => year.months,
    );
    expect(months.length).toBeGreaterThanOrEqual(24);
    expect(months[0].period).toBe(
      `${body.current.year}-${String(body.current.month).padStart(2, "0")}`,
    );
    expect(months.some((month: { closed: boolean }) => month.closed)).toBe(true);
    expect(months[0].closed).toBe(false);
  });

  it("validates the calendar query", async () => {
    for (const url of ["/api/calendar", "/api/calendar?company=abc", "/api/calendar?company=-1"]) {
      const response = await inject(t.kernel, { method: "GET", url, headers: auth() });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_FAILED");
    }
    const unknown = await inject(t.kernel, {
      method: "GET",
      url: "/api/calendar?company=999",
      headers: auth(),
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe("OpenAPI document and UI (OPENAPI_DOCS)", () => {
  it("serves both to anyone when public (development and test), without a redirect loop", async () => {
    expect((await inject(t.kernel, { method: "GET", url: "/api/docs/json" })).statusCode).toBe(200);
    // The UI's own redirect pointed at itself when the URL had a query string.
    let url = "/api/docs/static/index.html?x";
    const seen: string[] = [];
    for (let hop = 0; hop < 5; hop++) {
      const answer = await inject(t.kernel, { method: "GET", url });
      if (answer.statusCode !== 302) {
        expect(answer.statusCode, seen.join(" → ")).toBe(200);
        expect(answer.headers["content-type"]).toContain("text/html");
        break;
      }
      seen.push(url);
      url = String(answer.headers.location);
      expect(seen, `redirects to itself: ${seen.join(" → ")}`).not.toContain(url);
    }
  });

  it("gives the document to a signed-in caller only, and no UI, when signed-in", async () => {
    const docs = await startTestKernel({ env: { OPENAPI_DOCS: "signed-in" } });
    try {
      const anonymous = await inject(docs.kernel, { method: "GET", url: "/api/docs/json" });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe("UNAUTHORIZED");
      expect(anonymous.body).not.toContain("/api/auth/login");
      const signedIn = await inject(docs.kernel, {
        method: "GET",
        url: "/api/docs/json",
        headers: { authorization: `Bearer ${await docs.login()}` },
      });
      expect(signedIn.statusCode).toBe(200);
      expect(Object.keys(signedIn.json().paths)).toContain("/api/auth/login");
      for (const url of [
        "/api/docs",
        "/api/docs/",
        "/api/docs/yaml",
        "/api/docs/static/index.html",
      ]) {
        expect((await inject(docs.kernel, { method: "GET", url })).statusCode, url).toBe(404);
      }
    } finally {
      await docs.close();
    }
  });

  it("registers neither when off", async () => {
    const docs = await startTestKernel({ env: { OPENAPI_DOCS: "off" } });
    try {
      const token = await docs.login();
      for (const url of ["/api/docs/json", "/api/docs", "/api/docs/static/index.html"]) {
        const answer = await inject(docs.kernel, {
          method: "GET",
          url,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(answer.statusCode, url).toBe(404);
      }
    } finally {
      await docs.close();
    }
  });
});

describe("health", () => {
  it("tells anyone the overall status and each component's status, and nothing else", async () => {
    const response = await inject(t.kernel, { method: "GET", url: "/health" });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(["checks", "plugins", "status"]);
    expect(body.status).toBe("degraded");
    for (const part of [...body.checks, ...body.plugins]) {
      expect(Object.keys(part).sort(), part.name).toEqual(["name", "status"]);
    }
    expect(body.checks).toContainEqual({ name: "erp", status: "up" });
    expect(body.plugins).toContainEqual({ name: "throws-on-start", status: "down" });
    // No version, path, count or error text anywhere in the public answer.
    expect(response.body).not.toContain("1.2.3");
    expect(response.body).not.toContain("cannot reach the printer");
    expect(response.body).not.toContain(t.dataDir);
  });

  it("gives the details only to a signed-in administrator", async () => {
    const anonymous = await inject(t.kernel, { method: "GET", url: "/health?details=1" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe("UNAUTHORIZED");
    const forged = await inject(t.kernel, {
      method: "GET",
      url: "/health?details=1",
      headers: { authorization: "Bearer not.a.token" },
    });
    expect(forged.statusCode).toBe(401);
    const reader = await t.createUser({ permissions: ["reports:read"] });
    const forbidden = await inject(t.kernel, {
      method: "GET",
      url: "/health?details=1",
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe("FORBIDDEN");
    expect(forbidden.body).not.toContain("1.2.3");
  });

  it("reports the kernel services and every plugin with its state to an administrator", async () => {
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/health?details=1",
      headers: auth(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().version).toEqual(expect.any(String));
    const body = response.json();
    expect(body.status).toBe("degraded"); // fixtures include failing plugins
    expect(body.checks.find((check: { name: string }) => check.name === "erp")).toMatchObject({
      status: "up",
      critical: true,
    });
    const byName = Object.fromEntries(
      body.plugins.map((plugin: { name: string }) => [plugin.name, plugin]),
    );
    expect(byName.good).toMatchObject({ state: "enabled", status: "up", version: "1.2.3" });
    expect(byName["throws-on-start"]).toMatchObject({ state: "failed", status: "down" });
    expect(byName["throws-on-start"].detail).toContain("cannot reach the printer");
    expect(byName["wrong-kernel"].detail).toContain("needs kernel >=99.0.0");
    expect(byName["bad-manifest"].detail).toContain("prefix");
    expect(byName["no-access"].detail).toContain("declares no access");
    expect(byName["undeclared-uploads"]).toMatchObject({ state: "failed", status: "down" });
    expect(byName["undeclared-uploads"].detail).toContain("does not declare `uploads`");
    expect(byName["bad-migration"]).toMatchObject({ state: "disabled" });
    // The kernel process answering: here the test's own, without a supervisor.
    expect(body.process).toEqual({ pid: process.pid, kernel_generation: 0, supervised: false });
  });
});

describe("hand-over without the supervisor", () => {
  it("answers 409 saying there is no supervisor, and a reload stays in this process", async () => {
    const refused = await inject(t.kernel, {
      method: "POST",
      url: "/api/kernel/handover",
      headers: auth(),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain("ROA2WEB_SUPERVISOR=off");
    const reloaded = await inject(t.kernel, {
      method: "POST",
      url: "/api/kernel/plugins/good/reload",
      headers: auth(),
    });
    expect(reloaded.statusCode).toBe(200);
    expect(reloaded.json()).toMatchObject({ name: "good", state: "enabled" });
  });

  it("refuses a hand-over request it cannot read, and one from a user without kernel:admin", async () => {
    const bad = await inject(t.kernel, {
      method: "POST",
      url: "/api/kernel/handover",
      headers: { ...auth(), "content-type": "application/json" },
      payload: { expect: { plugin: "../etc" } },
    });
    expect(bad.statusCode).toBe(400);
    const reader = await t.createUser({ permissions: ["reports:read"] });
    const forbidden = await inject(t.kernel, {
      method: "POST",
      url: "/api/kernel/handover",
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(forbidden.statusCode).toBe(403);
  });
});

describe("behind a trusted TLS proxy", () => {
  let proxied: TestKernel;
  beforeAll(async () => {
    proxied = await startTestKernel({ listen: true, env: { TRUST_PROXY: "127.0.0.1" } });
  });
  afterAll(async () => proxied?.close());

  it("keeps the proxy's well-formed request id, so its logs and ours can be joined", async () => {
    const given = await fetch(`${proxied.url}/api/nothing`, {
      headers: { "x-request-id": "proxy-abc.123" },
    });
    expect(given.headers.get("x-request-id")).toBe("proxy-abc.123");
    expect(((await given.json()) as { error: { request_id: string } }).error.request_id).toBe(
      "proxy-abc.123",
    );
  });

  it("adds HSTS to API answers and documents that came over HTTPS", async () => {
    for (const url of ["/api/good/public", "/health", "/api/nothing"]) {
      const secure = await fetch(`${proxied.url}${url}`, {
        headers: { "x-forwarded-proto": "https" },
      });
      await secure.arrayBuffer();
      expect(secure.headers.get("strict-transport-security"), url).toBe(
        "max-age=31536000; includeSubDomains",
      );
      const plain = await fetch(`${proxied.url}${url}`, {
        headers: { "x-forwarded-proto": "http" },
      });
      await plain.arrayBuffer();
      expect(plain.headers.get("strict-transport-security"), url).toBeNull();
    }
  });
});
