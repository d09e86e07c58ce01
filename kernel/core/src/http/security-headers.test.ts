import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecurityHeaders } from "./security-headers.js";

let server: http.Server;
let base: string;

beforeAll(async () => {
  const headers = createSecurityHeaders();
  server = http.createServer((request, response) =>
    headers(request, response, () => response.end("ok")),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("security headers", () => {
  it("gives API answers the OWASP REST set", async () => {
    const response = await fetch(`${base}/api/companies`);
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("gives documents helmet's full set with a same-origin CSP", async () => {
    for (const path of ["/", "/reports/invoices", "/api/docs/static/index.html"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get("content-security-policy"), path).toContain("default-src 'self'");
      expect(response.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(response.headers.get("cross-origin-opener-policy"), path).toBe("same-origin");
    }
  });
});
