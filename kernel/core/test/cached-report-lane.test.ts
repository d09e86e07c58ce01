/**
 * The hit lane (src/http/cached-report-lane.ts, ADR 0038) answers a cached report's L1
 * hit before routing. It must answer exactly what the route would — the same bytes and
 * headers, to the same callers — and leave to the route every request it cannot stand
 * for. The requests go over real keep-alive connections (inject() never reaches the
 * switchboard); `answered` tells which path served each one.
 */
import http from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lanesOf } from "../src/http/cached-report-lane.js";
import { startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

const LANE_PLUGINS = fileURLToPath(new URL("./fixtures/lane-plugins", import.meta.url));
/** How many reports the fixture has computed (it counts on globalThis: same process). */
const loads = () =>
  (globalThis as { __laneFixtureLoads?: { count: number } }).__laneFixtureLoads?.count ?? 0;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One client connection: every request goes over the same socket, as a browser's do. */
function connection(base: string, token?: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        `${base}${path}`,
        {
          agent,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        },
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            body += chunk;
          });
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
        },
      );
      request.on("error", reject);
      request.end();
    });
  return { send, close: () => agent.destroy() };
}

/** One request on a fresh connection: no header verified there yet, so the route answers it. */
async function routedOnce(
  base: string,
  token: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const client = connection(base, token);
  try {
    return await client.send(path, headers);
  } finally {
    client.close();
  }
}

function lanesOfKernel(t: TestKernel) {
  const app = t.kernel.switchboard.activeApp;
  const lanes = app ? lanesOf(app) : undefined;
  if (!lanes) throw new Error("the serving generation has no lanes");
  return lanes;
}

/** The headers that differ between any two answers (time, id, keep-alive bookkeeping). */
function comparable(headers: http.IncomingHttpHeaders): Record<string, unknown> {
  const { date, "x-request-id": _id, age: _age, ...rest } = headers;
  return rest;
}

describe("the hit lane", () => {
  let t: TestKernel;
  let demo: string;
  const clients: Array<{ close(): void }> = [];
  const open = (token?: string) => {
    const client = connection(t.url, token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestKernel({ listen: true, pluginDirs: [LANE_PLUGINS] });
    demo = await t.login();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t?.close();
  });

  it("takes only the cached report routes whose every hook it stands for", () => {
    // Not /otherwise (its `otherwise` may answer any query), /limited (a rate limit's
    // hooks), /hooked (an onSend hook in its context).
    expect(lanesOfKernel(t).paths.sort()).toEqual([
      "/api/lanes/files",
      "/api/lanes/plain",
      "/api/lanes/signed-in",
    ]);
  });

  it("answers a repeated hit with the bytes and headers the route sends", async () => {
    const client = open(demo);
    const loadsBefore = loads();
    const miss = await client.send("/api/lanes/plain?company=1");
    expect(miss.status).toBe(200);
    expect(miss.headers["x-cache"]).toBe("MISS");
    const answered = lanesOfKernel(t).answered;
    const laned = await client.send("/api/lanes/plain?company=1");
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
    const routed = await routedOnce(t.url, demo, "/api/lanes/plain?company=1");
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
    // An If-None-Match naming another answer: the full answer, still from the lane.
    const stale = await client.send("/api/lanes/plain?company=1", { "if-none-match": '"x"' });
    expect(stale.status).toBe(200);
    expect(stale.body).toBe(routed.body);
    expect(lanesOfKernel(t).answered).toBe(answered + 2);
    expect(laned.status).toBe(200);
    expect(laned.headers["x-cache"]).toBe("HIT-L1");
    expect(laned.body).toBe(routed.body);
    expect(laned.body).toBe(miss.body);
    expect(JSON.parse(laned.body).text).toBe("Cheltuieli și încasări");
    expect(comparable(laned.headers)).toEqual(comparable(routed.headers));
    expect(laned.headers["x-content-type-options"]).toBe("nosniff");
    expect(laned.headers["cache-control"]).toBe("private, no-cache");
    expect(laned.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(laned.headers.age)).toBeGreaterThanOrEqual(0);
    expect(laned.headers["x-request-id"]).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    expect(laned.headers["x-request-id"]).not.toBe(routed.headers["x-request-id"]);
    expect(loads()).toBe(loadsBefore + 1);
  });

  it("answers an If-None-Match naming the answer with the route's very 304", async () => {
    const client = open(demo);
    const first = await client.send("/api/lanes/plain?company=1");
    const holding = { "if-none-match": `"other", ${first.headers.etag as string}` };
    const answered = lanesOfKernel(t).answered;
    const laned = await client.send("/api/lanes/plain?company=1", holding);
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
    const routed = await routedOnce(t.url, demo, "/api/lanes/plain?company=1", holding);
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
    expect(laned.status).toBe(304);
    expect(routed.status).toBe(304);
    expect(laned.body).toBe("");
    expect(comparable(laned.headers)).toEqual(comparable(routed.headers));
  });

  it("leaves a connection's first request to the route, which checks the token", async () => {
    const warm = open(demo);
    await warm.send("/api/lanes/plain?company=1");
    const client = open(demo);
    const answered = lanesOfKernel(t).answered;
    expect((await client.send("/api/lanes/plain?company=1")).status).toBe(200);
    expect(lanesOfKernel(t).answered).toBe(answered);
    expect((await client.send("/api/lanes/plain?company=1")).status).toBe(200);
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
  });

  it("never answers a caller the route refuses, however often they ask", async () => {
    // The demo user (every company) puts company 2's report in the cache first.
    const warm = open(demo);
    await warm.send("/api/lanes/plain?company=2");
    await warm.send("/api/lanes/plain?company=2");
    const companyOne = await t.createUser({ permissions: ["lanes:read"], companies: [1] });
    const noPermission = await t.createUser({ permissions: ["lanes:files"], companies: "*" });
    const answered = lanesOfKernel(t).answered;

    const limited = open(companyOne.token);
    expect((await limited.send("/api/lanes/plain?company=1")).status).toBe(200);
    const refused = [
      await limited.send("/api/lanes/plain?company=2"),
      await limited.send("/api/lanes/plain?company=2"),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([403, 403]);
    expect(JSON.parse(refused[1]?.body ?? "{}").error.details.company).toBe(2);
    const outsider = open(noPermission.token);
    const forbidden = [
      await outsider.send("/api/lanes/plain?company=1"),
      await outsider.send("/api/lanes/plain?company=1"),
    ];
    expect(forbidden.map((answer) => answer.status)).toEqual([403, 403]);
    const anonymous = open();
    expect((await anonymous.send("/api/lanes/plain?company=1")).status).toBe(401);
    expect((await anonymous.send("/api/lanes/plain?company=1")).status).toBe(401);
    // None of these took the lane (companyOne's first request was its connection's first).
    expect(lanesOfKernel(t).answered).toBe(answered);
    expect((await limited.send("/api/lanes/plain?company=1")).status).toBe(200);
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
  });

  it("stops answering a token signed out on another connection", async () => {
    const reader = await t.createUser({ permissions: ["lanes:read"], companies: "*" });
    const client = open(reader.token);
    await client.send("/api/lanes/plain?company=1");
    const answered = lanesOfKernel(t).answered;
    expect((await client.send("/api/lanes/plain?company=1")).status).toBe(200);
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
    const out = await fetch(`${t.url}/api/auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(out.status).toBe(204);
    const after = await client.send("/api/lanes/plain?company=1");
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body).error.details.reason).toBe("revoked");
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
  });

  it("leaves the queries `otherwise` answers to it, and takes the others' hits", async () => {
    const client = open(demo);
    const answered = lanesOfKernel(t).answered;
    for (let i = 0; i < 2; i++) {
      const file = await client.send("/api/lanes/files?company=1&format=file");
      expect(file.body).toBe("file of company 1");
      const always = await client.send("/api/lanes/otherwise?company=1&format=file");
      expect(always.body).toBe("file of company 1");
      const plainOtherwise = await client.send("/api/lanes/otherwise?company=1");
      expect(plainOtherwise.headers["x-cache"]).toMatch(/^(MISS|HIT-L1)$/);
    }
    expect(lanesOfKernel(t).answered).toBe(answered);
    await client.send("/api/lanes/files?company=1");
    const hit = await client.send("/api/lanes/files?company=1");
    expect(hit.headers["x-cache"]).toBe("HIT-L1");
    expect(lanesOfKernel(t).answered).toBe(answered + 1);
  });

  it("never skips a hook: a rate limit's or a plugin's own", async () => {
    const client = open(demo);
    const answered = lanesOfKernel(t).answered;
    for (let i = 0; i < 3; i++) {
      const hooked = await client.send("/api/lanes/hooked?company=1");
      expect(hooked.status).toBe(200);
      expect(hooked.headers["x-hooked"]).toBe("yes");
      const limited = await client.send("/api/lanes/limited?company=1");
      expect(limited.status).toBe(200);
      expect(limited.headers["x-ratelimit-limit"]).toBe("1000");
    }
    expect(lanesOfKernel(t).answered).toBe(answered);
  });

  it("goes with its plugin: disabled, the report's URL is a 404 on the same connection", async () => {
    const client = open(demo);
    await client.send("/api/lanes/signed-in?company=1");
    expect((await client.send("/api/lanes/signed-in?company=1")).headers["x-cache"]).toBe("HIT-L1");
    const disabled = await fetch(`${t.url}/api/kernel/plugins/lanes/disable`, {
      method: "POST",
      headers: { authorization: `Bearer ${demo}` },
    });
    expect(disabled.status).toBe(200);
    const gone = await client.send("/api/lanes/signed-in?company=1");
    expect(gone.status).toBe(404);
    expect(lanesOfKernel(t).paths).toEqual([]);
  });
});

describe("the hit lane behind a proxy, and with CORS on", () => {
  it("adds HSTS when a trusted proxy says the answer travels over HTTPS, as the route does", async () => {
    const t = await startTestKernel({
      listen: true,
      pluginDirs: [LANE_PLUGINS],
      env: { TRUST_PROXY: "loopback" },
    });
    const token = await t.login();
    const client = connection(t.url, token);
    try {
      const https = { "x-forwarded-proto": "https" };
      await client.send("/api/lanes/plain?company=1", https);
      const answered = lanesOfKernel(t).answered;
      const laned = await client.send("/api/lanes/plain?company=1", https);
      const routed = await routedOnce(t.url, token, "/api/lanes/plain?company=1", https);
      expect(lanesOfKernel(t).answered).toBe(answered + 1);
      expect(laned.headers["strict-transport-security"]).toMatch(/^max-age=/);
      expect(comparable(laned.headers)).toEqual(comparable(routed.headers));
      const plain = await client.send("/api/lanes/plain?company=1");
      expect(plain.headers["strict-transport-security"]).toBeUndefined();
      expect(lanesOfKernel(t).answered).toBe(answered + 2);
    } finally {
      client.close();
      await t.close();
    }
  });

  it("with CORS on, adds CORS's headers as the route does, and leaves a request with Origin to it", async () => {
    const t = await startTestKernel({
      listen: true,
      pluginDirs: [LANE_PLUGINS],
      env: { CORS_ORIGINS: "https://shell.example" },
    });
    const token = await t.login();
    const client = connection(t.url, token);
    try {
      await client.send("/api/lanes/plain?company=1");
      const answered = lanesOfKernel(t).answered;
      const laned = await client.send("/api/lanes/plain?company=1");
      const routed = await routedOnce(t.url, token, "/api/lanes/plain?company=1");
      expect(lanesOfKernel(t).answered).toBe(answered + 1);
      expect(laned.headers.vary).toBe("Origin");
      expect(laned.headers["access-control-expose-headers"]).toContain("x-cache");
      expect(comparable(laned.headers)).toEqual(comparable(routed.headers));
      const fromShell = await client.send("/api/lanes/plain?company=1", {
        origin: "https://shell.example",
      });
      expect(fromShell.headers["access-control-allow-origin"]).toBe("https://shell.example");
      expect(lanesOfKernel(t).answered).toBe(answered + 1);
    } finally {
      client.close();
      await t.close();
    }
  });
});
