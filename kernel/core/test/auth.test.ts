import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSigner } from "fast-jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inject, startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

let t: TestKernel;

beforeAll(async () => {
  t = await startTestKernel({
    env: { LOGIN_RATE_LIMIT_MAX: "5", LOGIN_ACCOUNT_FREE_ATTEMPTS: "5" },
  });
});
afterAll(async () => t?.close());

// An API client's sign-in: it keeps the refresh token itself, so it asks for it in the body.
async function login(username = "demo", password = "demo", ip = "10.0.0.1") {
  return inject(t.kernel, {
    method: "POST",
    url: "/api/auth/login",
    payload: { username, password, refresh_token_in_body: true },
    remoteAddress: ip,
  });
}

function me(token: string) {
  return inject(t.kernel, {
    method: "GET",
    url: "/api/auth/me",
    headers: { authorization: `Bearer ${token}` },
  });
}

/** The token with its signature's last character changed to each one that decodes alike. */
function otherSpellings(token: string): string[] {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const signature = token.slice(token.lastIndexOf(".") + 1);
  const bytes = Buffer.from(signature, "base64url");
  return [...alphabet]
    .map((last) => token.slice(0, -1) + last)
    .filter((spelling) => spelling !== token)
    .filter((spelling) =>
      Buffer.from(spelling.slice(spelling.lastIndexOf(".") + 1), "base64url").equals(bytes),
    );
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("login", () => {
  it("issues an access and a refresh token for demo/demo", async () => {
    const response = await login();
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    expect(body.access_token.split(".")).toHaveLength(3);
    expect(body.refresh_token.length).toBeGreaterThan(30);
    const profile = await me(body.access_token);
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ user: { username: "demo" }, permissions: ["*:*"] });
    expect(profile.json().companies.length).toBeGreaterThanOrEqual(3);
    // Token answers and a signed-in user's data are never stored (RFC 6749 §5.1).
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(profile.headers["cache-control"]).toBe("no-store");
    const refreshed = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: body.refresh_token },
    });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.headers["cache-control"]).toBe("no-store");
  });

  it("refuses a wrong password and an unknown user alike", async () => {
    const wrong = await login("demo", "nope", "10.0.0.2");
    const unknown = await login("ghost", "nope", "10.0.0.2");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it("counts only failed sign-ins: many correct ones from one office address never lock it", async () => {
    for (let attempt = 0; attempt < 8; attempt++)
      expect((await login("demo", "demo", "10.9.0.1")).statusCode).toBe(200);
  });

  it("refuses an address after 5 failures, as JSON 429 with Retry-After", async () => {
    const ip = "10.9.9.9";
    // A different (unknown) name each time: only the address's limit is in play.
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await login(`nobody${attempt}`, "bad", ip)).statusCode).toBe(401);
    const blocked = await login("demo", "demo", ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers["content-type"]).toMatch(/^application\/json/);
    const wait = Number(blocked.headers["retry-after"]);
    expect(wait).toBeGreaterThan(0);
    expect(blocked.json().error).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      details: { retry_after_seconds: wait },
    });
    // Another client is not affected.
    expect((await login("demo", "demo", "10.9.9.8")).statusCode).toBe(200);
  });

  it("lets no more than 5 parallel guesses through while the first are being checked", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(`parallel${i}`, "bad", "10.9.7.7")),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it("slows guesses at one account from many addresses, without locking its owner out", async () => {
    await t.kernel.users.create({
      username: "ana",
      password: "the-right-password",
      permissions: ["reports:read"],
      companies: "*",
    });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      // Five guesses from five addresses: the free ones.
      for (let attempt = 0; attempt < 5; attempt++)
        expect((await login("ana", "guess", `10.8.0.${attempt + 1}`)).statusCode).toBe(401);
      // The sixth waits the first back-off step, from any address, right password or not.
      const slowed = await login("ANA", "the-right-password", "10.8.1.1");
      expect(slowed.statusCode).toBe(429);
      expect(slowed.json().error.details.retry_after_seconds).toBe(1);
      expect(slowed.headers["retry-after"]).toBe("1");
      vi.setSystemTime(Date.now() + 1000);
      expect((await login("ana", "guess", "10.8.1.2")).statusCode).toBe(401);
      // Each further failure doubles the wait.
      vi.setSystemTime(Date.now() + 1000);
      expect((await login("ana", "guess", "10.8.1.3")).statusCode).toBe(429);
      vi.setSystemTime(Date.now() + 1000);
      // Refused attempts did not count: the owner gets in from a fresh address once it passed.
      const owner = await login("ana", "the-right-password", "10.8.2.1");
      expect(owner.statusCode).toBe(200);
      // A success clears the account's failures.
      expect((await login("ana", "guess", "10.8.2.2")).statusCode).toBe(401);
      expect((await login("ana", "the-right-password", "10.8.2.3")).statusCode).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("sign-in behind proxies (TRUST_PROXY names the proxy)", () => {
  const PROXY = "10.0.0.254";
  let proxied: TestKernel;
  beforeAll(async () => {
    proxied = await startTestKernel({ env: { TRUST_PROXY: PROXY, LOGIN_RATE_LIMIT_MAX: "5" } });
  });
  afterAll(async () => proxied?.close());

  const attempt = (remoteAddress: string, headers: Record<string, string>, username = "demo") =>
    inject(proxied.kernel, {
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: username === "demo" ? "demo" : "bad" },
      remoteAddress,
      headers,
    });

  it("ignores a rotating X-Forwarded-For from a peer that is not the proxy", async () => {
    for (let i = 0; i < 5; i++) {
      const failed = await attempt("203.0.113.9", { "x-forwarded-for": `192.0.2.${i}` }, `x${i}`);
      expect(failed.statusCode).toBe(401);
    }
    const blocked = await attempt("203.0.113.9", { "x-forwarded-for": "192.0.2.99" });
    expect(blocked.statusCode).toBe(429);
  });

  it("counts the address the proxy appended, not a leftmost one the client wrote", async () => {
    for (let i = 0; i < 5; i++) {
      const failed = await attempt(
        PROXY,
        { "x-forwarded-for": `192.0.2.${i}, 198.51.100.7` },
        `y${i}`,
      );
      expect(failed.statusCode).toBe(401);
    }
    const blocked = await attempt(PROXY, { "x-forwarded-for": "192.0.2.100, 198.51.100.7" });
    expect(blocked.statusCode).toBe(429);
    // Another client behind the same proxy is another address.
    expect((await attempt(PROXY, { "x-forwarded-for": "198.51.100.8" })).statusCode).toBe(200);
    // IIS ARR appends the client's port: still the same client.
    expect((await attempt(PROXY, { "x-forwarded-for": "198.51.100.7:61000" })).statusCode).toBe(
      429,
    );
  });

  it("takes X-Forwarded-Proto: https only from the proxy (Secure cookie, HSTS)", async () => {
    const direct = await attempt("203.0.113.10", { "x-forwarded-proto": "https" });
    expect(direct.statusCode).toBe(200);
    expect(String(direct.headers["set-cookie"])).not.toMatch(/Secure/i);
    expect(direct.headers["strict-transport-security"]).toBeUndefined();
    const viaProxy = await attempt(PROXY, {
      "x-forwarded-proto": "https",
      "x-forwarded-for": "198.51.100.20",
    });
    expect(viaProxy.statusCode).toBe(200);
    expect(String(viaProxy.headers["set-cookie"])).toMatch(/Secure/i);
    expect(viaProxy.headers["strict-transport-security"]).toBeDefined();
  });
});

describe("access tokens", () => {
  it("refuses requests without a token, or with expired, tampered, unsigned or foreign tokens", async () => {
    const good = (await login("demo", "demo", "10.0.1.1")).json().access_token as string;
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const settings = t.kernel.settings.auth;
    const expired = createSigner({ key: settings.jwtSecret, algorithm: "HS256" })({
      ...claims,
      iat: Math.floor(Date.now() / 1000) - 3600,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const tampered = `${header}.${base64url({ ...claims, perms: ["*:*"], sub: "999" })}.${signature}`;
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${payload}.`;
    const foreignKey = createSigner({
      key: "another-secret-another-secret-another",
      algorithm: "HS256",
    })(claims);
    const hs512 = (() => {
      const head = base64url({ alg: "HS512", typ: "JWT" });
      const signed = createHmac("sha512", settings.jwtSecret)
        .update(`${head}.${payload}`)
        .digest("base64url");
      return `${head}.${payload}.${signed}`;
    })();
    const wrongAudience = createSigner({ key: settings.jwtSecret, algorithm: "HS256" })({
      ...claims,
      aud: "someone-else",
    });
    const notAccess = createSigner({ key: settings.jwtSecret, algorithm: "HS256" })({
      ...claims,
      typ: "refresh",
    });

    // The good token's verification is cached from here on: the tampered one, which
    // shares its signature segment (the cache's lookup key), must still be refused.
    expect((await me(good)).statusCode).toBe(200);
    const missing = await inject(t.kernel, { method: "GET", url: "/api/auth/me" });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe("UNAUTHORIZED");
    for (const [name, token] of Object.entries({
      expired,
      tampered,
      unsigned,
      foreignKey,
      hs512,
      wrongAudience,
      notAccess,
      garbage: "abc",
    })) {
      const response = await me(token);
      expect(response.statusCode, name).toBe(401);
      expect(response.json().error.code, name).toBe("UNAUTHORIZED");
    }
    expect((await me(expired)).json().error.details.reason).toBe("expired");
    expect((await me(good)).statusCode).toBe(200);
  });

  it("checks the permission each route declares", async () => {
    await t.kernel.users.create({
      username: "reader",
      password: "reader-pass",
      permissions: ["good:read"],
      companies: [1],
    });
    const reader = (await login("reader", "reader-pass", "10.0.2.1")).json().access_token;
    const headers = { authorization: `Bearer ${reader}` };
    expect(
      (await inject(t.kernel, { method: "GET", url: "/api/good/ping", headers })).statusCode,
    ).toBe(200);
    const write = await inject(t.kernel, {
      method: "POST",
      url: "/api/good/notes",
      headers,
      payload: { text: "x" },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error).toMatchObject({
      code: "FORBIDDEN",
      details: { permission: "good:write" },
    });
    const admin = await inject(t.kernel, {
      method: "POST",
      url: "/api/kernel/plugins/good/disable",
      headers,
    });
    expect(admin.statusCode).toBe(403);
  });
});

describe("refresh tokens", () => {
  it("rotates: the new pair works, the old refresh token does not", async () => {
    const first = (await login("demo", "demo", "10.0.3.1")).json();
    const rotated = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: first.refresh_token },
    });
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token)).statusCode).toBe(200);
    expect(second.refresh_expires_at).toBe(first.refresh_expires_at); // absolute expiry is not extended
  });

  it("revokes the whole family when a used refresh token is presented again", async () => {
    const first = (await login("demo", "demo", "10.0.3.2")).json();
    const second = (
      await inject(t.kernel, {
        method: "POST",
        url: "/api/auth/refresh",
        payload: { refresh_token: first.refresh_token },
      })
    ).json();
    const replay = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: first.refresh_token },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toContain("already used");
    // The legitimate successor is now revoked too.
    const successor = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: second.refresh_token },
    });
    expect(successor.statusCode).toBe(401);
  });

  it("logout revokes the refresh token", async () => {
    const pair = (await login("demo", "demo", "10.0.3.3")).json();
    const out = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/logout",
      payload: { refresh_token: pair.refresh_token },
    });
    expect(out.statusCode).toBe(204);
    const after = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: pair.refresh_token },
    });
    expect(after.statusCode).toBe(401);
  });

  it("logout with the access token in Authorization makes that token stop working at once", async () => {
    const pair = (await login("demo", "demo", "10.0.3.4")).json();
    const other = (await login("demo", "demo", "10.0.3.5")).json();
    // Used (and so cached) before signing out: the cache must not keep it alive.
    expect((await me(pair.access_token)).statusCode).toBe(200);
    const out = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/logout",
      headers: { authorization: `Bearer ${pair.access_token}` },
      payload: { refresh_token: pair.refresh_token },
    });
    expect(out.statusCode).toBe(204);
    const after = await me(pair.access_token);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.details.reason).toBe("revoked");
    // Another session of the same user is untouched.
    expect((await me(other.access_token)).statusCode).toBe(200);
    // A garbage bearer on logout is ignored, not an error.
    const garbage = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/logout",
      headers: { authorization: "Bearer not-a-token" },
      payload: {},
    });
    expect(garbage.statusCode).toBe(204);
  });

  it("gives a browser's sign-in and cookie-only refresh the refresh token as the cookie only, never in the body", async () => {
    const signedIn = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "demo", password: "demo" },
      remoteAddress: "10.0.4.9",
    });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().access_token).toBeTruthy();
    expect(signedIn.json()).not.toHaveProperty("refresh_token");
    const cookie = String(signedIn.headers["set-cookie"]).split(";")[0] as string;
    expect(cookie).toMatch(/^roa2web_refresh=.{30,}/);

    const refreshed = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      headers: { cookie },
      payload: {},
    });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().access_token).toBeTruthy();
    expect(refreshed.json()).not.toHaveProperty("refresh_token");
    expect(String(refreshed.headers["set-cookie"])).toMatch(/^roa2web_refresh=[^;]+;/);

    // A client that sends the token in the body holds it itself: it gets the new one there.
    const api = (await login("demo", "demo", "10.0.4.10")).json();
    const rotated = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: api.refresh_token },
    });
    expect(rotated.json().refresh_token).toMatch(/.{30,}/);
  });

  it("keeps a browser's refresh token in an HttpOnly cookie scoped to /api/auth", async () => {
    const signedIn = await login("demo", "demo", "10.0.4.4");
    const cookie = String(signedIn.headers["set-cookie"]);
    expect(cookie).toMatch(/^roa2web_refresh=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    const pairCookie = cookie.split(";")[0] as string;

    // No body: the cookie is enough, and the answer rotates the cookie.
    const refreshed = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      headers: { cookie: pairCookie },
      payload: {},
    });
    expect(refreshed.statusCode).toBe(200);
    expect((await me(refreshed.json().access_token)).statusCode).toBe(200);
    const rotated = String(refreshed.headers["set-cookie"]).split(";")[0] as string;
    expect(rotated).not.toBe(pairCookie);

    // The old cookie was rotated away: presenting it again fails and clears the cookie.
    const replay = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      headers: { cookie: pairCookie },
      payload: {},
    });
    expect(replay.statusCode).toBe(401);
    expect(String(replay.headers["set-cookie"])).toMatch(
      /roa2web_refresh=;.*Expires=Thu, 01 Jan 1970/,
    );

    const none = await inject(t.kernel, { method: "POST", url: "/api/auth/refresh", payload: {} });
    expect(none.statusCode).toBe(401);
  });

  it("logout with only the cookie revokes it and clears the cookie", async () => {
    const signedIn = await login("demo", "demo", "10.0.5.5");
    const pairCookie = String(signedIn.headers["set-cookie"]).split(";")[0] as string;
    const out = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/logout",
      headers: { cookie: pairCookie },
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/roa2web_refresh=;/);
    const after = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: signedIn.json().refresh_token },
    });
    expect(after.statusCode).toBe(401);
  });

  it("accepts only the spelling of a refresh token that was issued", async () => {
    const pair = (await login("demo", "demo", "10.0.6.6")).json();
    for (const spelling of otherSpellings(`x.${pair.refresh_token}`)) {
      const refreshed = await inject(t.kernel, {
        method: "POST",
        url: "/api/auth/refresh",
        payload: { refresh_token: spelling.slice(2) },
      });
      expect(refreshed.statusCode).toBe(401);
    }
    const refreshed = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { refresh_token: pair.refresh_token },
    });
    expect(refreshed.statusCode).toBe(200);
  });

  it("rejects unknown and malformed refresh requests", async () => {
    expect(
      (
        await inject(t.kernel, {
          method: "POST",
          url: "/api/auth/refresh",
          payload: { refresh_token: "nope" },
        })
      ).statusCode,
    ).toBe(401);
    const bad = await inject(t.kernel, {
      method: "POST",
      url: "/api/auth/refresh",
      payload: { token: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("VALIDATION_FAILED");
  });
});

describe("signed-out access tokens across a restart", () => {
  it("stays refused by the next kernel on the same data folder; other sessions keep working", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-revoked-"));
    const call = (kernel: TestKernel, method: "GET" | "POST", url: string, token?: string) =>
      inject(kernel.kernel, {
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(url === "/api/auth/login" ? { payload: { username: "demo", password: "demo" } } : {}),
      });
    try {
      const first = await startTestKernel({ env: { DATA_DIR: dataDir } });
      const signedOut = (await call(first, "POST", "/api/auth/login")).json().access_token;
      const kept = (await call(first, "POST", "/api/auth/login")).json().access_token;
      // HS256: 43 characters, the last carries 2 unused bits: 3 more spellings verify.
      const spellings = otherSpellings(signedOut);
      expect(spellings).toHaveLength(3);
      const out = await call(first, "POST", "/api/auth/logout", signedOut);
      expect(out.statusCode, out.body).toBe(204);
      for (const spelling of [signedOut, ...spellings])
        expect((await call(first, "GET", "/api/auth/me", spelling)).statusCode).toBe(401);
      await first.close();

      const second = await startTestKernel({ env: { DATA_DIR: dataDir } });
      try {
        const refused = await call(second, "GET", "/api/auth/me", signedOut);
        expect(refused.statusCode).toBe(401);
        expect(refused.json().error.details.reason).toBe("revoked");
        for (const spelling of spellings)
          expect((await call(second, "GET", "/api/auth/me", spelling)).statusCode).toBe(401);
        expect((await call(second, "GET", "/api/auth/me", kept)).statusCode).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("user names", () => {
  it("refuses control, bidi and lone surrogate characters, as the sign-in schema does", async () => {
    for (const username of ["ana\u202eadmin", "ana\u0000", "ana\nbob", "ana\ud800"]) {
      await expect(
        t.kernel.users.create({
          username,
          password: "long-password",
          permissions: [],
          companies: [],
        }),
        JSON.stringify(username),
      ).rejects.toThrow(/user name must be one line/);
    }
    await expect(
      t.kernel.users.create({
        username: "ana-display",
        displayName: "Ana\u2066 Pop",
        password: "long-password",
        permissions: [],
        companies: [],
      }),
    ).rejects.toThrow(/display name must be one line/);
    expect(await t.kernel.users.findByUsername("ana-display")).toBeNull();
  });
});
