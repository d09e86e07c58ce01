#!/usr/bin/env node
import {
  ConfigError,
  KernelInit1763856000000,
  RefreshTokenEntity,
  UserEntity,
  Users,
  createKernel,
  loadConfig,
  openSqliteDataSource
} from "./chunk-WWIU334N.js";

// src/main.ts
import closeWithGrace from "close-with-grace";

// src/cli/users-command.ts
import path from "path";
import { parseArgs } from "util";
import { isPermission } from "@roa2web/plugin-sdk";
var USAGE = `usage:
  roa2web users list
  roa2web users add <username> --permissions <p1,p2> [--companies <1,2|*>] [--display-name <name>]
  roa2web users passwd <username>
  roa2web users disable <username> | enable <username>
The password is read from standard input (one line), e.g.  echo 's3cret' | roa2web users add ana --permissions '*:*'`;
async function readPassword() {
  if (process.stdin.isTTY) process.stderr.write("Password: ");
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const password = input.split(/\r?\n/)[0] ?? "";
  if (password.length < 8) throw new Error("the password must have at least 8 characters");
  return password;
}
function parseCompanies(value) {
  if (value === void 0 || value === "*") return "*";
  const ids = value.split(",").map((item) => Number(item.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id < 1))
    throw new Error(`--companies must be "*" or ids like 1,2 (got "${value}")`);
  return ids;
}
async function runUsersCommand(settings, args) {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      permissions: { type: "string" },
      companies: { type: "string" },
      "display-name": { type: "string" }
    }
  });
  const [action, username] = positionals;
  if (!action || action !== "list" && !username) {
    process.stderr.write(`${USAGE}
`);
    return 64;
  }
  const { dataSource } = await openSqliteDataSource({
    file: path.join(settings.dataDir, "kernel.db"),
    entities: [UserEntity, RefreshTokenEntity],
    migrations: [KernelInit1763856000000]
  });
  try {
    const users = new Users(dataSource);
    const repository = dataSource.getRepository(UserEntity);
    if (action === "list") {
      for (const user of await repository.find({ order: { username: "ASC" } })) {
        process.stdout.write(
          `${user.username}	${user.disabled ? "disabled" : "active"}	${user.source}	${user.permissions.join(",")}	${user.companies === "*" ? "*" : user.companies.join(",")}
`
        );
      }
      return 0;
    }
    const name = username ?? "";
    const existing = await users.findByUsername(name);
    switch (action) {
      case "add": {
        if (existing) throw new Error(`user ${name} exists already`);
        const permissions = (values.permissions ?? "").split(",").map((item) => item.trim()).filter(Boolean);
        const invalid = permissions.filter((permission) => !isPermission(permission));
        if (permissions.length === 0 || invalid.length > 0) {
          throw new Error(
            `--permissions needs plugin:action items like reports:read or *:* (bad: ${invalid.join(", ") || "none given"})`
          );
        }
        const companies = parseCompanies(values.companies);
        await users.create({
          username: name,
          displayName: values["display-name"],
          password: await readPassword(),
          permissions,
          companies
        });
        process.stdout.write(`created ${name.toLowerCase()}
`);
        return 0;
      }
      case "passwd":
        if (!existing) throw new Error(`no user ${name}`);
        await users.setPassword(existing.id, await readPassword());
        process.stdout.write(`password changed for ${existing.username}
`);
        return 0;
      case "disable":
      case "enable":
        if (!existing) throw new Error(`no user ${name}`);
        await repository.update({ id: existing.id }, { disabled: action === "disable" });
        process.stdout.write(`${existing.username} ${action}d
`);
        return 0;
      default:
        process.stderr.write(`${USAGE}
`);
        return 64;
    }
  } finally {
    await dataSource.destroy();
  }
}

// src/main.ts
async function main() {
  let settings;
  try {
    settings = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `roa2web cannot start.
${error.message}
See .env.example for every setting.
`
      );
      process.exit(78);
    }
    throw error;
  }
  if (process.argv[2] === "users") {
    try {
      process.exit(await runUsersCommand(settings, process.argv.slice(3)));
    } catch (error) {
      process.stderr.write(`roa2web users: ${error.message}
`);
      process.exit(1);
    }
  }
  const kernel = await createKernel(settings);
  closeWithGrace({ delay: settings.http.drainTimeoutMs + 1e4 }, async ({ signal, err }) => {
    if (err) kernel.logger.fatal({ err }, "Stopping after an uncaught error");
    else kernel.logger.info({ signal }, "Stop requested");
    await kernel.stop();
  });
  try {
    await kernel.listen();
  } catch (error) {
    kernel.logger.fatal({ err: error, port: settings.port, host: settings.host }, "Cannot listen");
    await kernel.stop();
    process.exit(1);
  }
}
main().catch((error) => {
  process.stderr.write(
    `roa2web failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}
`
  );
  process.exit(1);
});
//# sourceMappingURL=main.js.map