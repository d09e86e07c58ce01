/** The plugin's database: link codes and links. The only code that touches it. */
import { type AuthUser, runSql } from "@roa2web/plugin-sdk";
import { type DataSource, LessThan } from "typeorm";
import { type CodeProblem, codeExpiry, codeProblem, generateCode, hashCode } from "./codes.js";
import { type Link, type LinkCode, LinkCodeEntity, LinkEntity } from "./entities.js";
import { NotificationPreferences } from "./notifications/preferences.js";
import { StoredPendingImages } from "./photos.js";

/** How long an expired code is kept before it is deleted. */
export const CODE_PURGE_GRACE_MS = 60 * 60 * 1000;
/**
 * How long a taken webhook update_id is remembered: Telegram keeps an unanswered update
 * (and redelivers it) for at most 24 hours.
 */
export const RECEIVED_UPDATE_KEEP_MS = 25 * 60 * 60 * 1000;
/** How often the plugin deletes expired codes and old update ids (and once at start). */
export const CODE_PURGE_INTERVAL_MS = 15 * 60 * 1000;

export type RedeemResult = { ok: true; link: Link } | { ok: false; problem: CodeProblem };

export class LinkStore {
  constructor(private readonly database: DataSource) {}

  /** The photos waiting for the company question, in the same database. */
  pendingPhotos(): StoredPendingImages {
    return new StoredPendingImages(this.database);
  }

  /** Which receipt notifications each Telegram user wants, in the same database. */
  notificationPreferences(): NotificationPreferences {
    return new NotificationPreferences(this.database);
  }

  /** A new single-use code for this user, with a snapshot of their grants. */
  async createCode(user: AuthUser, now = new Date()): Promise<{ code: string; expiresAt: Date }> {
    const repository = this.database.getRepository(LinkCodeEntity);
    const code = generateCode();
    const expiresAt = codeExpiry(now);
    await repository.save(
      repository.create({
        codeHash: hashCode(code),
        userId: user.id,
        username: user.username,
        displayName: user.displayName,
        companies: user.companies === "*" ? "*" : [...user.companies],
        permissions: [...user.permissions],
        expiresAt,
        usedAt: null,
        attempts: 0,
        createdAt: now,
      }),
    );
    return { code, expiresAt };
  }

  /** Redeems a code for a Telegram user, in one transaction (single use). */
  redeem(
    code: string,
    telegram: { userId: number; chatId: number; language?: string | null },
    now = new Date(),
  ): Promise<RedeemResult> {
    return this.database.transaction(async (manager) => {
      const codes = manager.getRepository(LinkCodeEntity);
      const links = manager.getRepository(LinkEntity);
      const row: LinkCode | null = await codes.findOneBy({ codeHash: hashCode(code) });
      if (row !== null) await codes.increment({ id: row.id }, "attempts", 1);
      const problem = codeProblem(row, now);
      if (problem !== null || row === null) return { ok: false, problem: problem ?? "unknown" };
      await codes.update({ id: row.id }, { usedAt: now });
      await links.delete({ telegramUserId: telegram.userId });
      const link = await links.save(
        links.create({
          telegramUserId: telegram.userId,
          chatId: telegram.chatId,
          userId: row.userId,
          username: row.username,
          displayName: row.displayName,
          companies: row.companies,
          permissions: row.permissions,
          currentCompanyId: null,
          linkedAt: now,
          language: telegram.language ?? null,
        }),
      );
      return { ok: true, link };
    });
  }

  /**
   * Deletes the codes that expired more than `graceMs` ago (used or not); how many.
   * Within the grace a late attempt still hears "expired" rather than "not valid".
   */
  async purgeExpiredCodes(now = new Date(), graceMs = CODE_PURGE_GRACE_MS): Promise<number> {
    const result = await this.database
      .getRepository(LinkCodeEntity)
      .delete({ expiresAt: LessThan(new Date(now.getTime() - graceMs)) });
    return result.affected ?? 0;
  }

  /**
   * Claims a webhook update for this kernel: true the first time its id is seen by any
   * kernel on this database, false for a redelivered copy. One INSERT that either adds
   * the row or does nothing (the primary key decides between kernels racing on it).
   */
  async claimUpdate(updateId: number, now = new Date()): Promise<boolean> {
    const rows = await runSql(
      this.database,
      `INSERT INTO "received_updates" ("update_id", "received_at") VALUES (?, ?)
       ON CONFLICT ("update_id") DO NOTHING RETURNING "update_id"`,
      [updateId, now.getTime()],
    );
    return rows.length === 1;
  }

  /** Forgets update ids taken more than `keepMs` ago; how many. */
  async purgeReceivedUpdates(now = new Date(), keepMs = RECEIVED_UPDATE_KEEP_MS): Promise<number> {
    const result = await this.database
      .createQueryBuilder()
      .delete()
      .from("received_updates")
      .where("received_at < :before", { before: now.getTime() - keepMs })
      .execute();
    return result.affected ?? 0;
  }

  countCodes(): Promise<number> {
    return this.database.getRepository(LinkCodeEntity).count();
  }

  findByTelegramUser(telegramUserId: number): Promise<Link | null> {
    return this.database.getRepository(LinkEntity).findOneBy({ telegramUserId });
  }

  findByUser(userId: number): Promise<Link[]> {
    return this.database.getRepository(LinkEntity).findBy({ userId });
  }

  /** Every link: whom a notification may go to (few rows: one per linked chat). */
  allLinks(): Promise<Link[]> {
    return this.database.getRepository(LinkEntity).find({ order: { id: "ASC" } });
  }

  async setLanguage(telegramUserId: number, language: string): Promise<void> {
    await this.database.getRepository(LinkEntity).update({ telegramUserId }, { language });
  }

  async setCurrentCompany(telegramUserId: number, companyId: number): Promise<void> {
    await this.database
      .getRepository(LinkEntity)
      .update({ telegramUserId }, { currentCompanyId: companyId });
  }

  /** Removes the link of a Telegram user; whether there was one. */
  async unlinkTelegramUser(telegramUserId: number): Promise<boolean> {
    const result = await this.database.getRepository(LinkEntity).delete({ telegramUserId });
    return (result.affected ?? 0) > 0;
  }

  /** Removes every link of a roa2web user; how many. */
  async unlinkUser(userId: number): Promise<number> {
    const result = await this.database.getRepository(LinkEntity).delete({ userId });
    return result.affected ?? 0;
  }

  countLinks(): Promise<number> {
    return this.database.getRepository(LinkEntity).count();
  }
}
