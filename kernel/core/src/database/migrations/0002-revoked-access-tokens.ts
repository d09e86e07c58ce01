import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/** Signed-out access tokens, so a restart does not bring them back to life. */
export class RevokedAccessTokens1764950400000 implements MigrationInterface {
  name = "RevokedAccessTokens1764950400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Milliseconds overflow PostgreSQL's INTEGER; SQLite's is already 64-bit (SQL as shipped).
    const milliseconds = isPostgres(queryRunner) ? "BIGINT" : "INTEGER";
    await queryRunner.query(`CREATE TABLE revoked_access_tokens (
      signature_hash TEXT PRIMARY KEY,
      expires_at_ms ${milliseconds} NOT NULL
    )`);
    await queryRunner.query(
      "CREATE INDEX idx_revoked_access_tokens_expiry ON revoked_access_tokens (expires_at_ms)",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE revoked_access_tokens");
  }
}
