import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Per user, the time before which every access token is refused: set when a password
 * changes, an account is disabled or its sessions are revoked (auth/session-cutoffs.ts).
 */
export class UserSessionCutoffs1765065600000 implements MigrationInterface {
  name = "UserSessionCutoffs1765065600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Milliseconds overflow PostgreSQL's INTEGER; SQLite's is already 64-bit (SQL as shipped).
    const milliseconds = isPostgres(queryRunner) ? "BIGINT" : "INTEGER";
    await queryRunner.query(`CREATE TABLE user_session_cutoffs (
      user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      not_before_ms ${milliseconds} NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE user_session_cutoffs");
  }
}
