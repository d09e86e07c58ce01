/**
 * Opaque refresh tokens, stored only as SHA-256 hashes. Each is single-use
 * (rotation); presenting a used one revokes its whole family (OWASP ASVS 10.4.5),
 * and a family never outlives its absolute expiry (10.4.8).
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { isPostgres, UnauthorizedError } from "@roa2web/plugin-sdk";
import { type DataSource, IsNull, type Repository } from "typeorm";
import { RefreshTokenEntity, type RefreshTokenRecord } from "../database/kernel-entities.js";
import { isCanonicalBase64url } from "./base64url.js";

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

export type RotationEvent = "reuse-detected";

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class RefreshTokens {
  private readonly repository: Repository<RefreshTokenRecord>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlSeconds: number,
    private readonly onReuse: (familyId: string, userId: number) => void = () => undefined,
  ) {
    this.repository = dataSource.getRepository(RefreshTokenEntity);
  }

  async issue(
    userId: number,
    family?: { id: string; expiresAt: Date },
  ): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString("base64url");
    const familyId = family?.id ?? randomUUID();
    const expiresAt = family?.expiresAt ?? new Date(Date.now() + this.ttlSeconds * 1000);
    await this.repository.insert({
      tokenHash: hashToken(token),
      familyId,
      userId,
      issuedAt: new Date(),
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    return { token, familyId, expiresAt };
  }

  /** Spends a refresh token and returns its successor, or throws 401. */
  async rotate(token: string): Promise<{ userId: number; next: IssuedRefreshToken }> {
    // Looked up by a hash of the text: only the spelling issued can match. Refused
    // before the database read all the same, like other spellings of access tokens.
    if (!isCanonicalBase64url(token)) throw invalid("The refresh token is not valid");
    const record = await this.repository.findOneBy({ tokenHash: hashToken(token) });
    if (!record) throw invalid("The refresh token is not valid");
    if (record.revokedAt) throw invalid("The refresh token has been revoked");
    if (record.expiresAt.getTime() <= Date.now()) throw invalid("The refresh token has expired");
    if (record.usedAt) {
      await this.revokeFamily(record.familyId);
      this.onReuse(record.familyId, record.userId);
      throw invalid(
        "The refresh token was already used; every session it belonged to has been signed out",
      );
    }
    // The conditional update makes two concurrent uses of one token count as reuse.
    const spent = await this.repository.update(
      { id: record.id, usedAt: IsNull() },
      { usedAt: new Date() },
    );
    if (spent.affected !== 1) {
      await this.revokeFamily(record.familyId);
      this.onReuse(record.familyId, record.userId);
      throw invalid(
        "The refresh token was already used; every session it belonged to has been signed out",
      );
    }
    const next = await this.issue(record.userId, {
      id: record.familyId,
      expiresAt: record.expiresAt,
    });
    return { userId: record.userId, next };
  }

  /** Revokes the family of a token (logout); unknown tokens are ignored. */
  async revokeByToken(token: string): Promise<boolean> {
    const record = await this.repository.findOneBy({ tokenHash: hashToken(token) });
    if (!record) return false;
    await this.revokeFamily(record.familyId);
    return true;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.repository.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAllForUser(userId: number): Promise<void> {
    await this.repository.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Deletes rows past their absolute expiry. */
  async deleteExpired(): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(RefreshTokenEntity)
      .where("expires_at <= :now", {
        // SQLite compares the text TypeORM wrote (UTC, "YYYY-MM-DD HH:MM:SS.SSS");
        // PostgreSQL compares timestamps.
        now: isPostgres(this.dataSource)
          ? new Date()
          : new Date().toISOString().replace("T", " ").slice(0, 23),
      })
      .execute();
    return result.affected ?? 0;
  }
}

function invalid(message: string) {
  return new UnauthorizedError(message, { details: { reason: "invalid_refresh_token" } });
}
