/**
 * The plugin's tables as TypeORM EntitySchemas, for SQLite and PostgreSQL alike: a
 * moment is `Date` (SQLite's datetime, PostgreSQL's timestamp), a Telegram id is a
 * `bigint` read back as a number (PostgreSQL's driver hands bigints over as strings).
 */
import { bigintNumber } from "@roa2web/plugin-sdk";
import { EntitySchema } from "typeorm";

export type CompanyGrant = readonly number[] | "*";

export interface LinkCode {
  id: number;
  codeHash: string;
  userId: number;
  /** The creator's name and grants when the code was made: the link copies them. */
  username: string;
  displayName: string;
  companies: CompanyGrant;
  permissions: string[];
  expiresAt: Date;
  usedAt: Date | null;
  attempts: number;
  createdAt: Date;
}

export interface Link {
  id: number;
  telegramUserId: number;
  chatId: number;
  userId: number;
  username: string;
  displayName: string;
  /**
   * The user's company grants at link time: a record only. The bot asks the kernel
   * (`kernel.users.grantsOf`) for the current grants on every command.
   */
  companies: CompanyGrant;
  /** The user's permissions at link time: a record only, like `companies`. */
  permissions: string[];
  currentCompanyId: number | null;
  linkedAt: Date;
  /** The chat's language (`ro`/`en`) as Telegram last reported it; null before it did. */
  language: string | null;
}

export const LinkCodeEntity = new EntitySchema<LinkCode>({
  name: "TelegramLinkCode",
  tableName: "link_codes",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    codeHash: { name: "code_hash", type: "varchar", length: 64, unique: true },
    userId: { name: "user_id", type: "integer" },
    username: { type: "varchar", length: 100 },
    displayName: { name: "display_name", type: "varchar", length: 200 },
    companies: { type: "simple-json" },
    permissions: { type: "simple-json" },
    expiresAt: { name: "expires_at", type: Date },
    usedAt: { name: "used_at", type: Date, nullable: true },
    attempts: { type: "integer", default: 0 },
    createdAt: { name: "created_at", type: Date },
  },
});

export const LinkEntity = new EntitySchema<Link>({
  name: "TelegramLink",
  tableName: "links",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    telegramUserId: {
      name: "telegram_user_id",
      type: "bigint",
      unique: true,
      transformer: bigintNumber,
    },
    chatId: { name: "chat_id", type: "bigint", transformer: bigintNumber },
    userId: { name: "user_id", type: "integer" },
    username: { type: "varchar", length: 100 },
    displayName: { name: "display_name", type: "varchar", length: 200 },
    companies: { type: "simple-json" },
    permissions: { type: "simple-json" },
    currentCompanyId: { name: "current_company_id", type: "integer", nullable: true },
    linkedAt: { name: "linked_at", type: Date },
    language: { type: "varchar", length: 8, nullable: true },
  },
});

/** Which receipt notifications a Telegram user wants (see Notifications1764400000000). */
export interface NotificationSettingsRow {
  telegramUserId: number;
  approvals: boolean;
  outcomes: boolean;
  updatedAt: Date;
}

export const NotificationSettingsEntity = new EntitySchema<NotificationSettingsRow>({
  name: "TelegramNotificationSettings",
  tableName: "notification_settings",
  columns: {
    telegramUserId: {
      name: "telegram_user_id",
      type: "bigint",
      primary: true,
      transformer: bigintNumber,
    },
    approvals: { type: "boolean", default: true },
    outcomes: { type: "boolean", default: true },
    updatedAt: { name: "updated_at", type: Date },
  },
});

/** A photo waiting for the company question (see PendingPhotos1764300000000). */
export interface PendingPhotoRow {
  token: string;
  owner: number;
  chatId: number;
  fileId: string;
  fileName: string;
  size: number | null;
  /** ms since epoch. */
  expiresAt: number;
}

export const PendingPhotoEntity = new EntitySchema<PendingPhotoRow>({
  name: "TelegramPendingPhoto",
  tableName: "pending_photos",
  columns: {
    token: { type: "varchar", length: 16, primary: true },
    owner: {
      type: "bigint",
      transformer: bigintNumber,
    },
    chatId: {
      name: "chat_id",
      type: "bigint",
      transformer: bigintNumber,
    },
    fileId: { name: "file_id", type: "varchar", length: 256 },
    fileName: { name: "file_name", type: "varchar", length: 100 },
    size: { type: "integer", nullable: true },
    expiresAt: {
      name: "expires_at",
      type: "bigint",
      transformer: bigintNumber,
    },
  },
});
