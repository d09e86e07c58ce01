import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AuthUser } from "@roa2web/plugin-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { KernelInit1763856000000 } from "../database/migrations/0001-kernel-init.js";
import { RevokedAccessTokens1764950400000 } from "../database/migrations/0002-revoked-access-tokens.js";
import { type OpenedDataSource, openSqliteDataSource } from "../database/sqlite-data-source.js";
import { AccessTokens } from "./access-tokens.js";
import { SqliteRevocationStore } from "./revoked-access-tokens.js";

let dir = "";
let opened: OpenedDataSource | undefined;
afterEach(async () => {
  await opened?.dataSource.destroy();
  opened = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function store() {
  dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-revoked-"));
  opened = await openSqliteDataSource({
    file: path.join(dir, "kernel.db"),
    entities: [],
    migrations: [KernelInit1763856000000, RevokedAccessTokens1764950400000],
  });
  return new SqliteRevocationStore(opened.dataSource);
}

function rows(sql: string): Promise<Array<{ signature_hash: string }>> {
  if (!opened) throw new Error("no database open");
  return opened.dataSource.query(sql);
}

const settings = {
  secret: "s".repeat(32),
  issuer: "roa2web",
  audience: "roa2web",
  ttlSeconds: 900,
};
const user: AuthUser = {
  id: 7,
  username: "ana",
  displayName: "Ana",
  permissions: ["*:*"],
  companies: "*",
};

describe("revoked access tokens", () => {
  it("are refused by a new instance that restores them, and stored only as hashes", async () => {
    const revocations = await store();
    const before = new AccessTokens(settings, revocations);
    const signedOut = before.issue(user);
    const kept = before.issue(user);
    before.authenticate(signedOut);
    await before.revoke(signedOut);

    const after = new AccessTokens(settings, revocations);
    expect(await after.restoreRevocations()).toBe(1);
    expect(() => after.authenticate(signedOut)).toThrow(/revoked/);
    expect(after.authenticate(kept).username).toBe("ana");

    const stored = await rows("SELECT signature_hash FROM revoked_access_tokens");
    const signature = signedOut.slice(signedOut.lastIndexOf(".") + 1);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.signature_hash).not.toContain(signature);
  });

  it("reach a process that was already running at its next session recheck", async () => {
    // A hand-over: the new kernel booted (and restored revocations) before the old one
    // signed this token out.
    const revocations = await store();
    const oldKernel = new AccessTokens(settings, revocations);
    const newKernel = new AccessTokens(settings, revocations);
    await newKernel.restoreRevocations();
    const signedOut = oldKernel.issue(user);
    expect(newKernel.authenticate(signedOut).username).toBe("ana"); // now cached
    await oldKernel.revoke(signedOut);

    await newKernel.recheckSessions();
    expect(() => newKernel.authenticate(signedOut)).toThrow(/revoked/);
    expect(newKernel.authenticate(newKernel.issue(user)).username).toBe("ana");
  });

  it("forgets revocations once the token would have expired anyway", async () => {
    const revocations = await store();
    const now = Date.now();
    await revocations.add("lapsed", now - 1, now - 10);
    await revocations.add("live", now + 60_000, now - 10);
    expect(await revocations.load(now)).toEqual([["live", now + 60_000]]);
    // The next revocation deletes the lapsed row.
    await revocations.add("another", now + 60_000, now);
    const stored = await rows(
      "SELECT signature_hash FROM revoked_access_tokens ORDER BY signature_hash",
    );
    expect(stored.map((row) => row.signature_hash)).toEqual(["another", "live"]);
  });

  it("ignores a token that is not valid anyway (nothing stored)", async () => {
    const revocations = await store();
    const tokens = new AccessTokens(settings, revocations);
    await tokens.revoke("not-a-token");
    expect(await revocations.load(Date.now())).toEqual([]);
  });
});
