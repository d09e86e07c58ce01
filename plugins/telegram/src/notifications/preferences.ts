/** Which receipt notifications each Telegram user wants, in the plugin's SQLite. */
import type { DataSource } from "typeorm";
import { NotificationSettingsEntity } from "../entities.js";
import type { NotificationChoices, NotificationKind } from "./messages.js";

/** Both kinds on: what a user who never chose gets. */
export const DEFAULT_CHOICES: NotificationChoices = Object.freeze({
  approvals: true,
  outcomes: true,
});

export class NotificationPreferences {
  constructor(private readonly database: DataSource) {}

  async of(telegramUserId: number): Promise<NotificationChoices> {
    const row = await this.database
      .getRepository(NotificationSettingsEntity)
      .findOneBy({ telegramUserId });
    return row === null
      ? { ...DEFAULT_CHOICES }
      : { approvals: Boolean(row.approvals), outcomes: Boolean(row.outcomes) };
  }

  /** Sets one kind on or off; returns the choices as they are now. */
  async set(
    telegramUserId: number,
    kind: NotificationKind,
    on: boolean,
    now = new Date(),
  ): Promise<NotificationChoices> {
    return this.database.transaction(async (manager) => {
      const rows = manager.getRepository(NotificationSettingsEntity);
      const row = await rows.findOneBy({ telegramUserId });
      const choices: NotificationChoices =
        row === null
          ? { ...DEFAULT_CHOICES }
          : { approvals: Boolean(row.approvals), outcomes: Boolean(row.outcomes) };
      choices[kind] = on;
      await rows.save({ telegramUserId, ...choices, updatedAt: now });
      return choices;
    });
  }
}
