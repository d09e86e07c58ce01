// The users command as an operator runs it: node dist/main.js users … against DATA_DIR.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { inject, REPO_ROOT, startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-users-"));

function users(args: string[], input = "", env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [MAIN, "users", ...args], {
    cwd: REPO_ROOT,
    input,
    encoding: "utf8",
    env: {
      ...process.env,
      ROA2WEB_ENV: "production",
      JWT_SECRET: "pPBMMe59fkt5CM9JOgkFBftTxS6rbXfxOyrMfY8veU4DVuGQvOKq13p23bFBCMPE",
      ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
      DATA_DIR: dataDir,
      ...env,
    },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each run starts a Node process (about a second, several on a busy machine).
const CLI_TIMEOUT = { timeout: 180_000 };

describe("roa2web users", () => {
  it("adds, lists, disables users and refuses bad input", CLI_TIMEOUT, () => {
    expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
    expect(
      users(
        ["add", "Ana", "--permissions", "reports:read,data-entry:*", "--companies", "1,2"],
        "long-password\n",
      ),
    ).toMatchObject({
      code: 0,
      out: "created ana\n",
    });
    expect(users(["add", "ana", "--permissions", "reports:read"], "long-password\n")).toMatchObject(
      { code: 1, err: expect.stringContaining("exists already") },
    );
    expect(
      users(["add", "bob", "--permissions", "read-everything"], "long-password\n"),
    ).toMatchObject({ code: 1, err: expect.stringContaining("--permissions") });
    expect(users(["add", "bob", "--permissions", "*:*"], "short\n")).toMatchObject({
      code: 1,
      err: expect.stringContaining("at least 8"),
    });
    expect(users(["disable", "ana"])).toMatchObject({ code: 0 });
    expect(users(["list"]).out).toBe("ana\tdisabled\tlocal\treports:read,data-entry:*\t1,2\n");
    expect(users([]).code).toBe(64);
  });

  it(
    "refuses to run in production with the development or a guessable JWT secret (exit 78)",
    CLI_TIMEOUT,
    () => {
      const development = users(["list"], "", {
        JWT_SECRET: "roa2web-development-secret-do-not-use-in-production",
      });
      expect(development).toMatchObject({
        code: 78,
        err: expect.stringContaining("JWT_SECRET is the development secret"),
      });
      expect(users(["list"], "", { JWT_SECRET: "abcd".repeat(10) })).toMatchObject({
        code: 78,
        err: expect.stringContaining("openssl rand -base64 48"),
      });
    },
  );
});

describe("roa2web users passwd | disable | revoke against a running server", () => {
  it(
    "signs the user out everywhere: refresh tokens at once, access tokens within the recheck",
    CLI_TIMEOUT,
    async () => {
      expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
      const add = (name: string) =>
        users(["add", name, "--permissions", "reports:read"], "first-password\n");
      expect(add("carla").code).toBe(0);
      expect(add("dan").code).toBe(0);
      expect(add("eva").code).toBe(0);
      // The server on the same data folder; it re-reads ended sessions every 50 ms here.
      const server: TestKernel = await startTestKernel({
        env: { DATA_DIR: dataDir, AUTH_SESSION_RECHECK_MS: "50" },
      });
      const login = async (username: string, password = "first-password") =>
        inject(server.kernel, {
          method: "POST",
          url: "/api/auth/login",
          payload: { username, password },
        });
      const me = (token: string) =>
        inject(server.kernel, {
          method: "GET",
          url: "/api/auth/me",
          headers: { authorization: `Bearer ${token}` },
        });
      const refresh = (token: string) =>
        inject(server.kernel, {
          method: "POST",
          url: "/api/auth/refresh",
          payload: { refresh_token: token },
        });
      const refusedSoon = (token: string) =>
        vi.waitFor(
          async () => {
            const answer = await me(token);
            expect(answer.statusCode).toBe(401);
            expect(answer.json().error.details.reason).toBe("session_ended");
          },
          { timeout: 5000, interval: 25 },
        );
      let ended = "";
      try {
        // Two sessions of carla, one of dan and eva; all used once (cached as verified).
        const carla1 = (await login("carla")).json();
        const carla2 = (await login("carla")).json();
        const dan = (await login("dan")).json();
        const eva = (await login("eva")).json();
        for (const pair of [carla1, carla2, dan, eva])
          expect((await me(pair.access_token)).statusCode).toBe(200);
        ended = carla1.access_token;

        // passwd: every session of carla ends, and only hers.
        expect(users(["passwd", "carla"], "second-password\n")).toMatchObject({ code: 0 });
        expect((await refresh(carla1.refresh_token)).statusCode).toBe(401);
        expect((await refresh(carla2.refresh_token)).statusCode).toBe(401);
        await refusedSoon(carla1.access_token);
        await refusedSoon(carla2.access_token);
        expect((await me(dan.access_token)).statusCode).toBe(200);
        expect((await login("carla")).statusCode).toBe(401);
        const carla3 = (await login("carla", "second-password")).json();
        expect((await me(carla3.access_token)).statusCode).toBe(200);

        // revoke: the same without a new password.
        expect(users(["revoke", "carla"])).toMatchObject({ code: 0 });
        expect((await refresh(carla3.refresh_token)).statusCode).toBe(401);
        await refusedSoon(carla3.access_token);
        expect((await login("carla", "second-password")).statusCode).toBe(200);

        // disable: refused at once (within the recheck); enable lets new sign-ins in,
        // never the old tokens.
        expect(users(["disable", "dan"])).toMatchObject({ code: 0 });
        expect((await refresh(dan.refresh_token)).statusCode).toBe(401);
        await refusedSoon(dan.access_token);
        expect((await login("dan")).statusCode).toBe(401);
        expect(users(["enable", "dan"])).toMatchObject({ code: 0 });
        const danAgain = (await login("dan")).json();
        expect((await me(danAgain.access_token)).statusCode).toBe(200);
        expect((await me(dan.access_token)).statusCode).toBe(401);
        expect((await me(eva.access_token)).statusCode).toBe(200);
        expect(users(["revoke", "nobody"])).toMatchObject({
          code: 1,
          err: expect.stringContaining("no user"),
        });
      } finally {
        await server.close();
      }

      // A restarted server knows at once (the same development secret signs in tests).
      const restarted = await startTestKernel({ env: { DATA_DIR: dataDir } });
      try {
        const answer = await inject(restarted.kernel, {
          method: "GET",
          url: "/api/auth/me",
          headers: { authorization: `Bearer ${ended}` },
        });
        expect(answer.statusCode).toBe(401);
        expect(answer.json().error.details.reason).toBe("session_ended");
      } finally {
        await restarted.close();
      }
    },
  );
});
