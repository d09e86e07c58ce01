/**
 * LinkStore and what lives beside it (pending photos, notification settings) on both
 * databases the kernel may open the plugin's on: a SQLite file (the default) and
 * PostgreSQL (the plugin's schema, DATABASE_URL set), each migrated from empty by the
 * kernel's own opener. The same cases run on both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPluginDatabase, type PluginDatabaseWhere } from "@roa2web/kernel/testing";
import type { AuthUser } from "@roa2web/plugin-sdk";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LinkCodeEntity,
  LinkEntity,
  NotificationSettingsEntity,
  PendingPhotoEntity,
} from "./entities.js";
import { CODE_PURGE_GRACE_MS, LinkStore, RECEIVED_UPDATE_KEEP_MS } from "./link-store.js";
import { MIGRATIONS } from "./migrations/index.js";

const user: AuthUser = {
  id: 7,
  username: "ana",
  displayName: "Ana",
  permissions: ["telegram:link"],
  companies: [1],
};
// Telegram ids past 2^31 (user ids passed it in 2021; group chats are negative).
const telegramUser = 6_123_456_789;
const groupChat = -1_001_987_654_321;

function storeCases(where: () => Promise<PluginDatabaseWhere>) {
  const opened: DataSource[] = [];
  /** A store on a new database, or on `at` (two stores on one database: two kernels). */
  const open = async (at?: PluginDatabaseWhere) => {
    const { dataSource } = await openPluginDatabase({
      ...(at ?? (await where())),
      entities: [LinkCodeEntity, LinkEntity, PendingPhotoEntity, NotificationSettingsEntity],
      migrations: MIGRATIONS,
    });
    opened.push(dataSource);
    return new LinkStore(dataSource);
  };
  afterAll(async () => {
    for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy();
  });

  it("links a Telegram user with a code, once, and finds, moves and unlinks the link", async () => {
    const store = await open();
    const now = new Date("2026-01-10T12:00:00.000Z");
    const { code } = await store.createCode(user, now);
    const redeemed = await store.redeem(
      code,
      { userId: telegramUser, chatId: groupChat, language: "ro" },
      now,
    );
    expect(redeemed).toMatchObject({ ok: true, link: { telegramUserId: telegramUser } });
    expect(await store.redeem(code, { userId: 1, chatId: 1 }, now)).toEqual({
      ok: false,
      problem: "used",
    });

    const link = await store.findByTelegramUser(telegramUser);
    // bigint ids come back as the numbers they were, moments as the same Date.
    expect(link).toMatchObject({
      telegramUserId: telegramUser,
      chatId: groupChat,
      userId: 7,
      companies: [1],
      permissions: ["telegram:link"],
      linkedAt: now,
      language: "ro",
      currentCompanyId: null,
    });
    await store.setCurrentCompany(telegramUser, 1);
    await store.setLanguage(telegramUser, "en");
    expect(await store.findByUser(7)).toEqual([
      expect.objectContaining({ currentCompanyId: 1, language: "en" }),
    ]);
    expect((await store.allLinks()).map((each) => each.chatId)).toEqual([groupChat]);
    expect(await store.unlinkTelegramUser(telegramUser)).toBe(true);
    expect(await store.unlinkTelegramUser(telegramUser)).toBe(false);
    expect(await store.countLinks()).toBe(0);
  });

  it("deletes codes expired longer than the grace, keeps fresh and recently expired ones", async () => {
    const store = await open();
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

  it("keeps a photo waiting for its company until taken once or expired", async () => {
    const photos = (await open()).pendingPhotos();
    // Epoch milliseconds: past 2^31, stored as bigint.
    const now = Date.UTC(2026, 0, 10, 12);
    const image = {
      fileId: "AgACAgQAAxkBAAIB",
      fileName: "telegram-x.jpg",
      size: 90_000,
      owner: telegramUser,
      chatId: groupChat,
    };
    const token = await photos.add(image, now);
    expect(await photos.peek(token, now + 1000)).toEqual({
      ...image,
      expiresAt: now + photos.ttlMs,
    });
    expect(await photos.take(token, now + 1000)).toMatchObject({ owner: telegramUser });
    expect(await photos.take(token, now + 1000)).toBeUndefined();
    const late = await photos.add(image, now);
    expect(await photos.peek(late, now + photos.ttlMs)).toBeUndefined();
  });

  it("remembers which notifications a Telegram user turned off", async () => {
    const preferences = (await open()).notificationPreferences();
    expect(await preferences.of(telegramUser)).toEqual({ approvals: true, outcomes: true });
    expect(await preferences.set(telegramUser, "outcomes", false)).toEqual({
      approvals: true,
      outcomes: false,
    });
    expect(await preferences.set(telegramUser, "approvals", false)).toEqual({
      approvals: false,
      outcomes: false,
    });
    expect(await preferences.of(telegramUser)).toEqual({ approvals: false, outcomes: false });
    expect(await preferences.of(1)).toEqual({ approvals: true, outcomes: true });
  });

  it("claims a webhook update once, for every store on the database, and forgets old ones", async () => {
    const at = await where();
    const first = await open(at);
    const second = await open(at);
    const now = new Date("2026-03-01T10:00:00Z");
    // Update ids pass 2^31 on a busy bot.
    const id = 3_000_000_001;
    const claims = await Promise.all([first, second, first].map((s) => s.claimUpdate(id, now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await second.claimUpdate(id, now)).toBe(false);
    expect(await first.claimUpdate(id + 1, now)).toBe(true);
    const later = new Date(now.getTime() + RECEIVED_UPDATE_KEEP_MS + 1);
    expect(await second.claimUpdate(id + 2, later)).toBe(true);
    expect(await first.purgeReceivedUpdates(later)).toBe(2);
    // Forgotten after the keep time (Telegram no longer redelivers it by then).
    expect(await second.claimUpdate(id, later)).toBe(true);
    expect(await second.claimUpdate(id + 2, later)).toBe(false);
  });
}

describe("LinkStore on SQLite", () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "telegram-store-"));
  let files = 0;
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  storeCases(async () => ({ file: path.join(folder, `telegram-${++files}.db`) }));
});

describeWithServers(["postgres"], "LinkStore on PostgreSQL", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => server?.stop());
  storeCases(async () => ({
    postgres: { url: await server.createDatabase(), plugin: "telegram" },
  }));
});
