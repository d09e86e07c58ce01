/**
 * `roa2web users …`: manage the kernel's local users without the HTTP API, e.g. to
 * create the first administrator in production (where no demo user exists).
 */
import { parseArgs } from "node:util";
import { isPermission } from "@roa2web/plugin-sdk";
import { endSessions } from "../auth/session-cutoffs.js";
import { Users } from "../auth/users.js";
import type { KernelSettings } from "../config/settings.js";
import { RefreshTokenEntity, UserEntity } from "../database/kernel-entities.js";
import { KERNEL_MIGRATIONS } from "../database/kernel-migrations.js";
import { kernelDatabase, openDataSource } from "../database/open-data-source.js";

const USAGE = `usage:
  roa2web users list
  roa2web users add <username> --permissions <p1,p2> [--companies <1,2|*>] [--display-name <name>]
  roa2web users passwd <username>
  roa2web users disable <username> | enable <username>
  roa2web users revoke <username>
The password is read from standard input (one line), e.g.  echo 's3cret' | roa2web users add ana --permissions '*:*'
passwd, disable and revoke sign the user out everywhere (a running server refuses their
tokens within AUTH_SESSION_RECHECK_MS, 5 s by default).`;

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password: ");
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const password = input.split(/\r?\n/)[0] ?? "";
  if (password.length < 8) throw new Error("the password must have at least 8 characters");
  return password;
}

function parseCompanies(value: string | undefined): number[] | "*" {
  if (value === undefined || value === "*") return "*";
  const ids = value.split(",").map((item) => Number(item.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id < 1))
    throw new Error(`--companies must be "*" or ids like 1,2 (got "${value}")`);
  return ids;
}

export async function runUsersCommand(settings: KernelSettings, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      permissions: { type: "string" },
      companies: { type: "string" },
      "display-name": { type: "string" },
    },
  });
  const [action, username] = positionals;
  if (!action || (action !== "list" && !username)) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const { dataSource } = await openDataSource({
    location: kernelDatabase(settings),
    entities: [UserEntity, RefreshTokenEntity],
    migrations: KERNEL_MIGRATIONS,
  });
  try {
    const users = new Users(dataSource);
    const repository = dataSource.getRepository(UserEntity);
    if (action === "list") {
      for (const user of await repository.find({ order: { username: "ASC" } })) {
        process.stdout.write(
          `${user.username}\t${user.disabled ? "disabled" : "active"}\t${user.source}\t${user.permissions.join(",")}\t${user.companies === "*" ? "*" : user.companies.join(",")}\n`,
        );
      }
      return 0;
    }
    const name = username ?? "";
    const existing = await users.findByUsername(name);
    switch (action) {
      case "add": {
        if (existing) throw new Error(`user ${name} exists already`);
        const permissions = (values.permissions ?? "")
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean);
        const invalid = permissions.filter((permission) => !isPermission(permission));
        if (permissions.length === 0 || invalid.length > 0) {
          throw new Error(
            `--permissions needs plugin:action items like reports:read or *:* (bad: ${invalid.join(", ") || "none given"})`,
          );
        }
        const companies = parseCompanies(values.companies);
        await users.create({
          username: name,
          displayName: values["display-name"],
          password: await readPassword(),
          permissions,
          companies,
        });
        process.stdout.write(`created ${name.toLowerCase()}\n`);
        return 0;
      }
      case "passwd":
        if (!existing) throw new Error(`no user ${name}`);
        await users.setPassword(existing.id, await readPassword());
        await endSessions(dataSource, existing.id);
        process.stdout.write(`password changed for ${existing.username}; signed out everywhere\n`);
        return 0;
      case "disable":
        if (!existing) throw new Error(`no user ${name}`);
        await repository.update({ id: existing.id }, { disabled: true });
        await endSessions(dataSource, existing.id);
        process.stdout.write(`${existing.username} disabled; signed out everywhere\n`);
        return 0;
      case "enable":
        if (!existing) throw new Error(`no user ${name}`);
        await repository.update({ id: existing.id }, { disabled: false });
        process.stdout.write(`${existing.username} enabled\n`);
        return 0;
      case "revoke":
        if (!existing) throw new Error(`no user ${name}`);
        await endSessions(dataSource, existing.id);
        process.stdout.write(`${existing.username} signed out everywhere\n`);
        return 0;
      default:
        process.stderr.write(`${USAGE}\n`);
        return 64;
    }
  } finally {
    await dataSource.destroy();
  }
}
