/**
 * `roa2web plugin install|upgrade|remove|list`: these talk to the RUNNING server over
 * its admin API (`/api/kernel/plugins/…`, ADR 0024) — the server verifies, unpacks and
 * switches; the command only signs in, sends and prints what it answered.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { PackageError } from "../packages/errors.js";
import { openPackage } from "../packages/open-package.js";
import type { CommandIo, PluginSubcommand } from "./plugin-command.js";

/** What the commands need besides `roa2web plugin`'s own io: a way to ask for the password. */
export interface InstallCommandIo extends CommandIo {
  /** Asks for the password when ROA2WEB_PASSWORD is not set (undefined when there is no terminal). */
  askPassword?: (prompt: string) => Promise<string | undefined>;
}

/** The exit codes of `roa2web plugin` (plugin-command.ts): usage error, refused by the server. */
const EXIT_USAGE = 64;
const EXIT_REFUSED = 65;

const CONNECTION = "[--server <url>] [--user <name>]";
const CONNECTION_HELP =
  " — on the running server (--server, default http://HOST:PORT from the environment, else http://127.0.0.1:8000; --user or ROA2WEB_USER with kernel:admin, the password from ROA2WEB_PASSWORD or asked on a terminal)";

const connectionOptions = {
  server: { type: "string" },
  user: { type: "string" },
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

type InstallCommand = "install" | "upgrade" | "remove" | "list";

function subcommand(command: InstallCommand, usage: string, summary: string): PluginSubcommand {
  return {
    usage: `${usage} ${CONNECTION}`,
    summary: `${summary}${CONNECTION_HELP}`,
    run: (args, io) => runInstallCommand(command, args, io),
  };
}

/** install, upgrade, remove, list: the entries `roa2web plugin` adds to its table. */
export const installSubcommands: Record<InstallCommand, PluginSubcommand> = {
  install: subcommand(
    "install",
    "install <package file> [--force]",
    "install (or upgrade) a package on the running server; --force allows an older version",
  ),
  upgrade: subcommand(
    "upgrade",
    "upgrade <package file> [--force]",
    "the same, refused unless the plugin its manifest names (not its file name) is installed as a package",
  ),
  remove: subcommand(
    "remove",
    "remove <name> [--purge]",
    "remove an installed package; its data stays unless --purge",
  ),
  list: subcommand(
    "list",
    "list",
    "the installed packages: versions, status, signer, who and when",
  ),
};

/** Runs one of install, upgrade, remove, list; the exit code (0 done, 64 usage, 65 refused, 1 failed). */
export async function runInstallCommand(
  command: InstallCommand,
  argv: string[],
  io: InstallCommandIo,
): Promise<number> {
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(command, argv);
  } catch (error) {
    io.err(
      `roa2web plugin ${command}: ${(error as Error).message}\nusage: roa2web plugin ${installSubcommands[command].usage}\n`,
    );
    return EXIT_USAGE;
  }
  const client = new AdminClient(serverUrl(parsed.values.server, io.env), io);
  try {
    switch (command) {
      case "install":
      case "upgrade":
        return await install(client, command, parsed, io);
      case "remove":
        return await remove(client, parsed, io);
      case "list":
        return await list(client, parsed, io);
    }
  } catch (error) {
    io.err(`roa2web plugin ${command}: ${(error as Error).message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function parseArguments(command: string, argv: string[]) {
  const extra: ParseArgsConfig["options"] =
    command === "install" || command === "upgrade"
      ? { force: { type: "boolean" } }
      : command === "remove"
        ? { purge: { type: "boolean" } }
        : {};
  const parsed = parseArgs({
    args: argv,
    options: { ...connectionOptions, ...extra },
    allowPositionals: true,
    strict: true,
  });
  const wanted = command === "list" ? 0 : 1;
  if (parsed.positionals.length !== wanted) {
    throw new Error(
      wanted === 0
        ? "takes no arguments"
        : `needs exactly one ${command === "remove" ? "plugin name" : "package file"}`,
    );
  }
  return parsed as {
    values: { server?: string; user?: string; force?: boolean; purge?: boolean };
    positionals: string[];
  };
}

/** --server, else HOST and PORT from the environment (a wildcard host means this machine). */
export function serverUrl(
  given: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (given) return given.replace(/\/+$/, "");
  const host = env.HOST && !["0.0.0.0", "::", "[::]"].includes(env.HOST) ? env.HOST : "127.0.0.1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${env.PORT || "8000"}`;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

export class AdminClient {
  private token: string | undefined;

  constructor(
    readonly server: string,
    private readonly io: InstallCommandIo,
  ) {}

  async signIn(user: string | undefined): Promise<void> {
    const username = user ?? this.io.env.ROA2WEB_USER;
    if (!username) throw new CliError("who signs in? pass --user <name> (or set ROA2WEB_USER)");
    const password =
      this.io.env.ROA2WEB_PASSWORD ??
      (await (this.io.askPassword ?? promptHidden)(`Password for ${username}: `));
    if (password === undefined) {
      throw new CliError(
        "no password: set ROA2WEB_PASSWORD, or run the command on a terminal to be asked",
      );
    }
    const body = await this.request("POST", "/api/auth/login", {
      json: { username, password },
    });
    this.token = (body as { access_token: string }).access_token;
  }

  async request(
    method: string,
    url: string,
    options: { json?: unknown; form?: FormData } = {},
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.server}${url}`, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
        },
        body:
          options.form ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new CliError(
        `no roa2web server answers at ${this.server}${cause ? ` (${cause})` : ""}: start it, or pass --server <url>`,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(
        `${this.server} answered ${response.status} with something that is not roa2web's JSON: is --server right?`,
      );
    }
    if (!response.ok) {
      const error = (body as ErrorBody | undefined)?.error;
      const code = error?.code ? ` ${error.code}` : "";
      const hint =
        response.status === 401
          ? " (wrong user or password?)"
          : response.status === 403 && error?.code === "FORBIDDEN"
            ? " (the user needs kernel:admin)"
            : "";
      throw new CliError(
        `refused (${response.status}${code})${hint}: ${error?.message ?? text.slice(0, 200)}`,
        response.status < 500 ? EXIT_REFUSED : 1,
      );
    }
    return body;
  }
}

interface InstallAnswer {
  kind: string;
  name: string;
  version: string;
  previous_version: string | null;
  new_permissions: Record<string, string>;
  warnings: string[];
  signature: { key_id: string; trusted: boolean } | null;
}

async function install(
  client: AdminClient,
  command: "install" | "upgrade",
  parsed: ReturnType<typeof parseArguments>,
  io: InstallCommandIo,
): Promise<number> {
  const file = path.resolve(parsed.positionals[0] as string);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  // The plugin an upgrade replaces is the one its manifest names, whatever the file is called.
  const name = command === "upgrade" ? await pluginNameOf(file) : undefined;
  await client.signIn(parsed.values.user);
  if (name !== undefined) {
    const installed = (await client.request("GET", "/api/kernel/plugins/packages")) as {
      items: Array<{ name: string; status: string }>;
    };
    if (!installed.items.some((row) => row.name === name && row.status === "active")) {
      throw new CliError(
        `${path.basename(file)} is a package of plugin "${name}", and no package named "${name}" is installed on ${client.server}: use \`roa2web plugin install\``,
      );
    }
  }
  const form = new FormData();
  if (parsed.values.force) form.append("force", "true");
  form.append("file", new Blob([bytes]), path.basename(file));
  const answer = (await client.request("POST", "/api/kernel/plugins/packages", {
    form,
  })) as InstallAnswer;
  const from = answer.previous_version ? ` (was ${answer.previous_version})` : "";
  io.out(
    `${answer.kind}: ${answer.name} ${answer.version}${from} is serving on ${client.server}\n`,
  );
  io.out(
    answer.signature
      ? `signed by key ${answer.signature.key_id}${answer.signature.trusted ? " (trusted)" : " (NOT trusted)"}\n`
      : "unsigned\n",
  );
  const added = Object.entries(answer.new_permissions);
  if (added.length > 0) {
    io.out("new permissions (granted to nobody yet):\n");
    for (const [permission, description] of added) io.out(`  ${permission}  ${description}\n`);
  }
  for (const warning of answer.warnings) io.err(`warning: ${warning}\n`);
  return 0;
}

/**
 * The plugin a package holds, from its manifest: the archive is opened as `verify` opens
 * it (every file's hash checked; the signature is the server's to judge).
 */
async function pluginNameOf(file: string): Promise<string> {
  let opened: Awaited<ReturnType<typeof openPackage>>;
  try {
    opened = await openPackage(file, { trustedKeys: [], requireSignature: false });
  } catch (error) {
    const code = error instanceof PackageError ? `${error.code}: ` : "";
    throw new CliError(
      `${path.basename(file)} is not a plugin package this command can read (${code}${(error as Error).message})`,
      error instanceof PackageError ? EXIT_REFUSED : 1,
    );
  }
  await opened.dispose();
  return opened.manifest.name;
}

async function remove(
  client: AdminClient,
  parsed: ReturnType<typeof parseArguments>,
  io: InstallCommandIo,
): Promise<number> {
  const name = parsed.positionals[0] as string;
  await client.signIn(parsed.values.user);
  const query = parsed.values.purge ? "?purge=true" : "";
  const answer = (await client.request(
    "DELETE",
    `/api/kernel/plugins/${encodeURIComponent(name)}/package${query}`,
  )) as { versions: string[]; purged: boolean };
  io.out(
    `removed ${name} (${answer.versions.join(", ")})${answer.purged ? "; its data was deleted" : "; its data is kept (--purge deletes it)"}\n`,
  );
  return 0;
}

async function list(
  client: AdminClient,
  parsed: ReturnType<typeof parseArguments>,
  io: InstallCommandIo,
): Promise<number> {
  await client.signIn(parsed.values.user);
  const answer = (await client.request("GET", "/api/kernel/plugins/packages")) as {
    items: Array<{
      name: string;
      version: string;
      status: string;
      signer_key_id: string | null;
      trusted: boolean;
      installed_by: string | null;
      installed_at: string;
      failure: string | null;
    }>;
  };
  if (answer.items.length === 0) {
    io.out("no plugin packages installed\n");
    return 0;
  }
  for (const row of answer.items) {
    const signer = row.signer_key_id
      ? `${row.signer_key_id}${row.trusted ? "" : " (untrusted)"}`
      : "unsigned";
    const failure = row.failure ? `  failed: ${row.failure}` : "";
    io.out(
      `${row.name}\t${row.version}\t${row.status}\t${signer}\t${row.installed_by ?? "-"}\t${row.installed_at}${failure}\n`,
    );
  }
  return 0;
}

/** Reads a password from the terminal without echoing it; undefined when stdin is not a terminal. */
export async function promptHidden(prompt: string): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY) return undefined;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve) => {
    let value = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          input.setRawMode(false);
          input.pause();
          input.off("data", onData);
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          input.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        value = char === "\u007f" ? value.slice(0, -1) : value + char;
      }
    };
    input.on("data", onData);
  });
}
