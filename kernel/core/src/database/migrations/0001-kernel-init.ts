import type { MigrationInterface, QueryRunner } from "typeorm";

export class KernelInit1763856000000 implements MigrationInterface {
  name = "KernelInit1763856000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      password_hash TEXT NULL,
      permissions TEXT NOT NULL,
      companies TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('local', 'oracle')),
      disabled BOOLEAN NOT NULL DEFAULT 0,
      created_at DATETIME NOT NULL DEFAULT (datetime('now')),
      updated_at DATETIME NOT NULL DEFAULT (datetime('now'))
    )`);
    await queryRunner.query(`CREATE TABLE refresh_tokens (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      token_hash TEXT NOT NULL UNIQUE,
      family_id TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      issued_at DATETIME NOT NULL,
      expires_at DATETIME NOT NULL,
      used_at DATETIME NULL,
      revoked_at DATETIME NULL
    )`);
    await queryRunner.query("CREATE INDEX idx_refresh_tokens_family ON refresh_tokens (family_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE refresh_tokens");
    await queryRunner.query("DROP TABLE users");
  }
}
