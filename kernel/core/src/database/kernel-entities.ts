/** The kernel's own tables: local users and refresh tokens. */
import { EntitySchema } from "typeorm";

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string | null;
  /** JSON array of permission strings. */
  permissions: string[];
  /** JSON: array of company ids, or "*". */
  companies: number[] | "*";
  source: "local" | "oracle";
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface RefreshTokenRecord {
  id: number;
  tokenHash: string;
  familyId: string;
  userId: number;
  issuedAt: Date;
  /** Absolute expiry of the whole family: rotation never extends it. */
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export const UserEntity = new EntitySchema<UserRecord>({
  name: "User",
  tableName: "users",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    username: { type: "text", unique: true },
    displayName: { name: "display_name", type: "text" },
    passwordHash: { name: "password_hash", type: "text", nullable: true },
    permissions: { type: "simple-json" },
    companies: { type: "simple-json" },
    source: { type: "text" },
    disabled: { type: "boolean", default: false },
    createdAt: { name: "created_at", type: Date, createDate: true },
    updatedAt: { name: "updated_at", type: Date, updateDate: true },
  },
});

export const RefreshTokenEntity = new EntitySchema<RefreshTokenRecord>({
  name: "RefreshToken",
  tableName: "refresh_tokens",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    tokenHash: { name: "token_hash", type: "text", unique: true },
    familyId: { name: "family_id", type: "text" },
    userId: { name: "user_id", type: "integer" },
    issuedAt: { name: "issued_at", type: Date },
    expiresAt: { name: "expires_at", type: Date },
    usedAt: { name: "used_at", type: Date, nullable: true },
    revokedAt: { name: "revoked_at", type: Date, nullable: true },
  },
  indices: [{ name: "idx_refresh_tokens_family", columns: ["familyId"] }],
});
