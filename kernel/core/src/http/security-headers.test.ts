import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiSecurityHeaderList, createDocumentHeaders, isApiUrl } from "./security-headers.js";

let server: http.Server;
let base: string;

beforeAll(async () => {
  const headers = createDocumentHeaders();
  // As the switchboard calls it: only for URLs that are not JSON API ones.
  server = http.createServer((request, response) => {
    if (!isApiUrl(request.url)) headers(request, response);
    response.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("security headers", () => {
  it("gives API answers the OWASP REST set", () => {
    expect(Object.fromEntries(apiSecurityHeaderList())).toEqual({
      "content-security-policy": "default-src 'none';frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "cache-control": "no-store",
    });
  });

  it("tells JSON API URLs (headers set by the route generation) from documents", () => {
    for (const url of ["/api/companies", "/api/reports/dashboard?company=1", "/api/auth/login"]) {
      expect(isApiUrl(url), url).toBe(true);
    }
    for (const url of ["/", "/reports", "/health", "/api/docs", "/api/docs/static/index.html"]) {
      expect(isApiUrl(url), url).toBe(false);
    }
    expect(isApiUrl(undefined)).toBe(false);
  });

  it("gives documents helmet's full set with a same-origin CSP", async () => {
    for (const path of ["/", "/reports/invoices", "/api/docs/static/index.html", "/health"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get("content-security-policy"), path).toContain("default-src 'self'");
      expect(response.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(response.headers.get("cross-origin-opener-policy"), path).toBe("same-origin");
      expect(response.headers.get("x-powered-by"), path).toBeNull();
      // Plain HTTP: HSTS would be ignored (RFC 6797 §7.2); the generation adds it over HTTPS.
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
    }
  });
});
