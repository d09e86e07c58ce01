// The users command as an operator runs it: node dist/main.js users … against DATA_DIR.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "roa2web-users-"));

function users(args: string[], input = "") {
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
    },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("roa2web users", () => {
  it("adds, lists, disables users and refuses bad input", () => {
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
});
