/**
 * Login, token refresh, logout and the current user. Credentials are checked by the
 * configured provider: local argon2 hashes, or the ERP's Oracle procedure.
 */
import { type AuthUser, UnauthorizedError } from "@roa2web/plugin-sdk";
import type { KernelSettings } from "../config/settings.js";
import type { KernelLogger } from "../logging/create-logger.js";
import type { AccessTokens } from "./access-tokens.js";
import { spendPasswordCheck, verifyPassword } from "./passwords.js";
import type { RefreshTokens } from "./refresh-tokens.js";
import { toAuthUser, type Users } from "./users.js";

/** PostgreSQL's SQLSTATE for a unique constraint violated. */
const UNIQUE_VIOLATION = "23505";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  /** Seconds until the access token expires. */
  expires_in: number;
  /** ISO time after which the refresh token family is no longer accepted. */
  refresh_expires_at: string;
}

export type CredentialCheck = (username: string, password: string) => Promise<boolean>;

export class AuthService {
  constructor(
    private readonly settings: KernelSettings["auth"],
    private readonly users: Users,
    readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly logger: KernelLogger,
    /** The ERP's credential check, when AUTH_PROVIDER=oracle. */
    private readonly erpCredentialCheck?: CredentialCheck,
  ) {}

  async login(username: string, password: string): Promise<TokenPair> {
    const user = await this.checkCredentials(username, password);
    const refresh = await this.refreshTokens.issue(user.id);
    this.logger.info({ userId: user.id, username: user.username }, "User signed in");
    return this.pair(user, refresh.token, refresh.expiresAt);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const { userId, next } = await this.refreshTokens.rotate(refreshToken);
    const record = await this.users.findById(userId);
    if (!record || record.disabled) {
      await this.refreshTokens.revokeFamily(next.familyId);
      throw new UnauthorizedError("This account is no longer active");
    }
    return this.pair(toAuthUser(record), next.token, next.expiresAt);
  }

  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeByToken(refreshToken);
  }

  /** The stored user behind a token (fresh grants, not the token's copy). */
  async currentUser(user: AuthUser): Promise<AuthUser> {
    const record = await this.users.findById(user.id);
    if (!record || record.disabled) throw new UnauthorizedError("This account is no longer active");
    return toAuthUser(record);
  }

  /** Creates demo/demo with every permission when allowed and no user exists yet. */
  async ensureDemoUser(): Promise<boolean> {
    if (!this.settings.createDemoUser || (await this.users.count()) > 0) return false;
    try {
      await this.users.create({
        username: "demo",
        displayName: "Demo User",
        password: "demo",
        permissions: ["*:*"],
        companies: "*",
      });
    } catch (error) {
      // Another kernel starting on the same fresh DATA_DIR (a hand-over) or PostgreSQL
      // database (several kernels) created it first.
      const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
      const duplicate = code === "SQLITE_CONSTRAINT_UNIQUE" || code === UNIQUE_VIOLATION;
      if (duplicate && (await this.users.findByUsername("demo"))) {
        return false;
      }
      throw error;
    }
    this.logger.warn(
      { username: "demo" },
      "Created the development user demo / demo with every permission (never done in production)",
    );
    return true;
  }

  private async checkCredentials(username: string, password: string): Promise<AuthUser> {
    const failure = new UnauthorizedError("Wrong user name or password", {
      details: { reason: "invalid_credentials" },
    });
    const record = await this.users.findByUsername(username);
    if (
      this.settings.provider === "oracle" &&
      this.erpCredentialCheck &&
      record?.source !== "local"
    ) {
      const accepted = await this.erpCredentialCheck(username, password);
      if (!accepted) throw failure;
      if (record?.disabled) throw failure;
      const user =
        record ??
        (await this.users.create({
          username,
          permissions: this.settings.oracleDefaultPermissions,
          companies: "*",
          source: "oracle",
        }));
      return toAuthUser(user);
    }
    if (!record || record.disabled || record.passwordHash === null) {
      await spendPasswordCheck(password);
      throw failure;
    }
    if (!(await verifyPassword(record.passwordHash, password))) throw failure;
    return toAuthUser(record);
  }

  private pair(user: AuthUser, refreshToken: string, refreshExpiresAt: Date): TokenPair {
    return {
      access_token: this.accessTokens.issue(user),
      refresh_token: refreshToken,
      token_type: "Bearer",
      expires_in: this.accessTokens.ttlSeconds,
      refresh_expires_at: refreshExpiresAt.toISOString(),
    };
  }
}
