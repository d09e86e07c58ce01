/** LinkStore on a real SQLite file (the kernel's own opener, with the plugin's migration). */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPluginDatabase } from "@roa2web/kernel/testing";
import type { AuthUser } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkCodeEntity, LinkEntity } from "./entities.js";
import { CODE_PURGE_GRACE_MS, LinkStore } from "./link-store.js";
import { CreateTelegram1764100000000 } from "./migrations/1764100000000-create-telegram.js";
import { Notifications1764400000000 } from "./migrations/1764400000000-notifications.js";

const user: AuthUser = {
  id: 7,
  username: "ana",
  displayName: "Ana",
  permissions: ["telegram:link"],
  companies: [1],
};

let directory: string;
let database: DataSource;

beforeAll(async () => {
  directory = mkdtempSync(path.join(os.tmpdir(), "telegram-store-"));
  database = (
    await openPluginDatabase({
      file: path.join(directory, "telegram.db"),
      entities: [LinkCodeEntity, LinkEntity],
      migrations: [CreateTelegram1764100000000, Notifications1764400000000],
    })
  ).dataSource;
});
afterAll(async () => {
  await database?.destroy();
  rmSync(directory, { recursive: true, force: true });
});

describe("LinkStore.purgeExpiredCodes", () => {
  it("deletes codes expired longer than the grace, keeps fresh and recently expired ones", async () => {
    const store = new LinkStore(database);
    const now = new Date("2026-01-10T12:00:00Z");
    const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
    // Created 3 h ago (expired 2 h 50 ago), 65 min ago (expired 55 min ago), and now.
    const old = await store.createCode(user, minutes(-180));
    const recent = await store.createCode(user, minutes(-65));
    const fresh = await store.createCode(user, now);
    const used = await store.createCode(user, minutes(-200));
    expect((await store.redeem(used.code, { userId: 1, chatId: 1 }, minutes(-199))).ok).toBe(true);
    expect(await store.countCodes()).toBe(4);

    expect(await store.purgeExpiredCodes(now)).toBe(2);
    expect(await store.countCodes()).toBe(2);
    expect((await store.redeem(old.code, { userId: 2, chatId: 2 }, now)).ok).toBe(false);
    expect(await store.redeem(recent.code, { userId: 2, chatId: 2 }, now)).toEqual({
      ok: false,
      problem: "expired",
    });
    expect((await store.redeem(fresh.code, { userId: 2, chatId: 2 }, now)).ok).toBe(true);
    // The link made with a purged code stays.
    expect(await store.countLinks()).toBe(2);
    expect(await store.purgeExpiredCodes(new Date(now.getTime() + CODE_PURGE_GRACE_MS * 2))).toBe(
      2,
    );
    expect(await store.countCodes()).toBe(0);
  });
});
