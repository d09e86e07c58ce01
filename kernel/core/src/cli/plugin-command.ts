/**
 * `roa2web plugin …`: make, sign and check plugin packages (ADR 0023). Runs before the
 * server's configuration is read: a plugin author packs on a machine with no server.
 * Each subcommand is one entry of `pluginSubcommands`; install/upgrade/remove/list join it.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { PackageError } from "../packages/errors.js";
import { generatePackageKeyPair, parseTrustedKey, type TrustedKey } from "../packages/keys.js";
import { openPackage } from "../packages/open-package.js";
import { packPlugin } from "../packages/pack-plugin.js";
import { signPackage } from "../packages/sign-package.js";
import { devSummary, devUsage, runDevCommand } from "./plugin-dev-command.js";
import { installSubcommands } from "./plugin-install-commands.js";

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

export interface PluginSubcommand {
  /** One line per form, without the leading `roa2web plugin`. */
  usage: string;
  summary: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Exit codes (sysexits): a usage error, and a package or key refused. */
export const EXIT_USAGE = 64;
export const EXIT_REFUSED = 65;

class UsageError extends Error {}

function options<const T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: spec });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
}

/** PLUGIN_TRUSTED_KEYS: public keys separated by commas or white space. */
export function trustedKeysFromText(text: string | undefined): TrustedKey[] {
  return (text ?? "")
    .split(/[\s,]+/)
    .filter((key) => key !== "")
    .map(parseTrustedKey);
}

const keygen: PluginSubcommand = {
  usage: "keygen [--out <dir>]",
  summary:
    "make a signing key pair: the private key as a PEM file (mode 0600), the public key printed and saved beside it",
  async run(args, io) {
    const { values, positionals } = options(args, { out: { type: "string" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const dir = path.resolve(values.out ?? ".");
    const pair = generatePackageKeyPair();
    const privateFile = path.join(dir, `roa2web-plugin-key-${pair.keyId}.pem`);
    const publicFile = path.join(dir, `roa2web-plugin-key-${pair.keyId}.pub`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(privateFile, pair.privateKeyPem, { mode: 0o600, flag: "wx" });
    await chmod(privateFile, 0o600); // whatever the umask
    await writeFile(publicFile, `${pair.publicKey}\n`, { flag: "wx" });
    io.out(`${pair.publicKey}\n`);
    io.err(
      `key id ${pair.keyId}\n` +
        `private key: ${privateFile} (keep it off the servers; whoever holds it can publish plugins they trust)\n` +
        `public key:  ${publicFile} (add it to PLUGIN_TRUSTED_KEYS on the servers that should install these plugins)\n`,
    );
    return 0;
  },
};

const pack: PluginSubcommand = {
  usage: "pack [<plugin dir>] [--out <dir>] [--key <private key file>]",
  summary:
    "pack a built plugin into <name>-<version>.roa2web.tgz (signed with --key); prints the file",
  async run(args, io) {
    const { values, positionals } = options(args, {
      out: { type: "string" },
      key: { type: "string" },
    });
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const privateKeyPem =
      values.key === undefined ? undefined : await readText(values.key, "private key");
    const { file } = await packPlugin(path.resolve(positionals[0] ?? "."), {
      outDir: path.resolve(values.out ?? "."),
      privateKeyPem,
      log: (line) => io.err(`${line}\n`),
    });
    io.out(`${file}\n`);
    return 0;
  },
};

const sign: PluginSubcommand = {
  usage: "sign <package file> --key <private key file>",
  summary: "sign (or sign again) a package; its files are checked first",
  async run(args, io) {
    const { values, positionals } = options(args, { key: { type: "string" } });
    const [file, extra] = positionals;
    if (!file || extra !== undefined || values.key === undefined) {
      throw new UsageError("sign takes one package file and --key <private key file>");
    }
    const { keyId } = await signPackage(file, await readText(values.key, "private key"));
    io.out(`${file}: signed by key ${keyId}\n`);
    return 0;
  },
};

const verify: PluginSubcommand = {
  usage: "verify <package file> [--trusted-key ed25519:<base64>]… [--require-signature]",
  summary:
    "check a package as a server would: files, signature, manifest (trusted keys also from PLUGIN_TRUSTED_KEYS)",
  async run(args, io) {
    const { values, positionals } = options(args, {
      "trusted-key": { type: "string", multiple: true },
      "require-signature": { type: "boolean" },
    });
    const [file, extra] = positionals;
    if (!file || extra !== undefined) throw new UsageError("verify takes one package file");
    const trustedKeys = [
      ...(values["trusted-key"] ?? []).map(parseTrustedKey),
      ...trustedKeysFromText(io.env.PLUGIN_TRUSTED_KEYS),
    ];
    const opened = await openPackage(file, {
      trustedKeys,
      requireSignature: values["require-signature"] === true,
    });
    try {
      const { index, manifest, signature } = opened;
      io.out(
        [
          `${index.name}@${index.version}: verified (${Object.keys(index.files).length} files, SHA-256 each)`,
          `signature: ${signature ? `key ${signature.keyId}, ${signature.trusted ? "trusted" : "NOT trusted"}` : "none"}`,
          `kernel: ${index.kernel}`,
          `permissions: ${Object.keys(manifest.permissions).join(", ") || "none"}`,
          `provides: ${Object.keys(manifest.provides ?? {}).join(", ") || "nothing"}; consumes: ${Object.keys(manifest.consumes ?? {}).join(", ") || "nothing"}`,
          `from the kernel: ${index.external.join(", ") || "nothing"}; bundled: ${index.bundled.join(", ") || "nothing"}; native: ${index.native.join(", ") || "none"}`,
          ...opened.warnings.map((warning) => `warning: ${warning}`),
          "",
        ].join("\n"),
      );
      return 0;
    } finally {
      await opened.dispose();
    }
  },
};

/** Subcommands by name: the package tools, then the installer's (they talk to a running server). */
export const pluginSubcommands: Record<string, PluginSubcommand> = {
  keygen,
  pack,
  sign,
  verify,
  ...installSubcommands,
  dev: { usage: devUsage, summary: devSummary, run: runDevCommand },
};

export function pluginUsage(): string {
  const lines = Object.values(pluginSubcommands).map(
    (command) => `  roa2web plugin ${command.usage}\n      ${command.summary}`,
  );
  return `usage:\n${lines.join("\n")}\nExit codes: 0 done, ${EXIT_USAGE} usage error, ${EXIT_REFUSED} package or key refused, 1 other failure.\n`;
}

export async function runPluginCommand(
  argv: string[],
  io: CommandIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  },
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.err : io.out)(pluginUsage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = pluginSubcommands[name];
  if (!command || !Object.hasOwn(pluginSubcommands, name)) {
    io.err(`roa2web plugin: unknown command "${name}"\n${pluginUsage()}`);
    return EXIT_USAGE;
  }
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`usage: roa2web plugin ${command.usage}\n  ${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`roa2web plugin ${name}: ${error.message}\nusage: roa2web plugin ${command.usage}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof PackageError) {
      io.err(`roa2web plugin ${name}: ${error.code}: ${error.message}\n`);
      return EXIT_REFUSED;
    }
    io.err(`roa2web plugin ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}
