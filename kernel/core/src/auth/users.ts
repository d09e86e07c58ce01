/** Local users in the kernel's database. User names are compared case-insensitively. */

import {
  type AuthUser,
  isPermission,
  type Permission,
  SINGLE_LINE_TEXT_PATTERN,
} from "@roa2web/plugin-sdk";
import type { DataSource, Repository } from "typeorm";
import { UserEntity, type UserRecord } from "../database/kernel-entities.js";
import { hashPassword } from "./passwords.js";

const SINGLE_LINE = new RegExp(SINGLE_LINE_TEXT_PATTERN, "u");

export interface NewUser {
  username: string;
  displayName?: string;
  password?: string;
  permissions: string[];
  companies: number[] | "*";
  source?: "local" | "oracle";
}

export class Users {
  private readonly repository: Repository<UserRecord>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(UserEntity);
  }

  findByUsername(username: string): Promise<UserRecord | null> {
    return this.repository.findOneBy({ username: username.trim().toLowerCase() });
  }

  findById(id: number): Promise<UserRecord | null> {
    return this.repository.findOneBy({ id });
  }

  count(): Promise<number> {
    return this.repository.count();
  }

  async create(user: NewUser): Promise<UserRecord> {
    const invalid = user.permissions.filter((permission) => !isPermission(permission));
    if (invalid.length > 0) throw new Error(`Not permissions: ${invalid.join(", ")}`);
    const username = user.username.trim().toLowerCase();
    const displayName = user.displayName ?? user.username.trim();
    // The sign-in schema's rule (singleLineText): a name with a control, bidi or lone
    // surrogate character could not sign in, and would show other than it is.
    for (const [what, value] of [
      ["user name", username],
      ["display name", displayName],
    ] as const) {
      if (value === "" || !SINGLE_LINE.test(value)) {
        throw new Error(
          `The ${what} must be one line without control, bidi or lone surrogate characters`,
        );
      }
    }
    return this.repository.save({
      username,
      displayName,
      passwordHash: user.password === undefined ? null : await hashPassword(user.password),
      permissions: user.permissions,
      companies: user.companies,
      source: user.source ?? "local",
      disabled: false,
    });
  }

  async setPassword(id: number, password: string): Promise<void> {
    await this.repository.update({ id }, { passwordHash: await hashPassword(password) });
  }
}

export function toAuthUser(record: UserRecord): AuthUser {
  return Object.freeze({
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    permissions: Object.freeze(record.permissions.filter(isPermission) as Permission[]),
    companies: record.companies === "*" ? "*" : Object.freeze([...record.companies]),
  });
}
