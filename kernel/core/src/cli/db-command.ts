/**
 * `roa2web db copy-to-postgres`: moves an embedded install (SQLite files under DATA_DIR)
 * onto PostgreSQL, with the server stopped (ADR 0037, docs/scaling.md). Finds the kernel
 * database and every plugin database there — enabled or not, from the workspace,
 * PLUGINS_DIR or an installed package — loads each plugin's migrations from its code, and
 * hands them to copy-to-postgres.ts. Exit codes: 0 copied, 1 refused or failed (nothing
 * written), 64 usage, 78 a setting to fix.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type AnyPluginDefinition, isPluginDefinition } from "@roa2web/plugin-sdk";
import Database from "better-sqlite3";
import { databaseUrlProblem } from "../config/load-config.js";
import type { KernelSettings } from "../config/settings.js";
import {
  CopyFailedError,
  type CopyProgress,
  CopyRefusedError,
  copyToPostgres,
  type EmbeddedDatabase,
} from "../database/copy-to-postgres.js";
import { RefreshTokenEntity, UserEntity } from "../database/kernel-entities.js";
import { KERNEL_MIGRATIONS } from "../database/kernel-migrations.js";
import {
  DatabaseUnavailableError,
  describeDatabaseUrl,
  KERNEL_SCHEMA,
  pluginSchema,
} from "../database/open-data-source.js";
import { pluginFolders } from "../plugins/discover.js";
import { readManifest } from "../plugins/manifest.js";
import { KERNEL_VERSION } from "../version.js";

const USAGE = `usage:
  roa2web db copy-to-postgres [--to postgres://user:password@host:5432/database] [--replace] [--leave-out <plugin>]…
Copies the embedded install under DATA_DIR (kernel.db and every plugin's database) into
PostgreSQL: the target is --to, or DATABASE_URL when --to is not given (prefer DATABASE_URL:
a password on the command line is visible to other users of the machine). Stop the server
and back up DATA_DIR first. Every schema is made by the kernel's migrations, then every row
is copied in one transaction: on any failure the target stays as it was.
  --replace      empty the target's roa2web tables first (same transaction) instead of
                 refusing a target that already holds data
  --leave-out    a plugin whose database is in DATA_DIR but whose code is gone: leave it
                 behind instead of refusing`;

/** The exit codes of the kernel's commands (main.ts, kernel-main.ts). */
export const EXIT = { ok: 0, failed: 1, usage: 64, config: 78 } as const;

class SettingError extends Error {}

const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString("en")} ${count === 1 ? one : many}`;

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Rewrites the current line for running row counts (a terminal); otherwise silent. */
  live?: (text: string) => void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  live: process.stdout.isTTY ? (text) => process.stdout.write(`\r${text}\x1b[K`) : undefined,
};

export async function runDbCommand(
  settings: KernelSettings,
  args: string[],
  output: Output = processOutput,
): Promise<number> {
  let values: { to?: string; replace?: boolean; "leave-out"?: string[] };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        to: { type: "string" },
        replace: { type: "boolean" },
        "leave-out": { type: "string", multiple: true },
      },
    }));
  } catch (error) {
    output.err(`roa2web db: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (positionals[0] !== "copy-to-postgres" || positionals.length > 1) {
    output.err(`${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    return await copyCommand(settings, values, output);
  } catch (error) {
    if (error instanceof SettingError) {
      output.err(`roa2web db copy-to-postgres: ${error.message}\n`);
      return EXIT.config;
    }
    if (error instanceof DatabaseUnavailableError) {
      output.err(`roa2web db copy-to-postgres: ${error.message}\n`);
      return error.setting ? EXIT.config : EXIT.failed;
    }
    if (error instanceof CopyRefusedError || error instanceof CopyFailedError) {
      output.err(`roa2web db copy-to-postgres: ${error.message}\n`);
      return EXIT.failed;
    }
    output.err(`roa2web db copy-to-postgres failed: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

async function copyCommand(
  settings: KernelSettings,
  options: { to?: string; replace?: boolean; "leave-out"?: string[] },
  output: Output,
): Promise<number> {
  const url = options.to ?? settings.database.url;
  if (url === undefined)
    throw new SettingError(
      "no target: set DATABASE_URL (or pass --to) to the PostgreSQL database to copy into",
    );
  const problem = databaseUrlProblem(url, options.to === undefined ? "DATABASE_URL" : "--to");
  if (problem) throw new SettingError(problem);
  const kernelFile = path.join(settings.dataDir, "kernel.db");
  if (!existsSync(kernelFile))
    throw new SettingError(
      `${kernelFile} does not exist: point DATA_DIR at the data folder of the embedded install to copy`,
    );
  refuseWhileRunning(kernelFile);

  const plugins = await pluginDatabases(settings, kernelFile, new Set(options["leave-out"] ?? []));
  const databases: EmbeddedDatabase[] = [
    {
      name: "kernel",
      file: kernelFile,
      schema: KERNEL_SCHEMA,
      entities: [UserEntity, RefreshTokenEntity],
      migrations: KERNEL_MIGRATIONS,
    },
    ...plugins.copied,
  ];
  const target = describeDatabaseUrl(url);
  output.out(`Copying ${settings.dataDir} into PostgreSQL ${target}\n`);
  for (const name of plugins.leftOut)
    output.out(`Leaving out plugins/${name}/${name}.db (--leave-out)\n`);
  const summary = await copyToPostgres(databases, {
    url,
    replace: options.replace === true,
    progress: (event) => report(event, output),
  });
  const tables = summary.databases.reduce((sum, database) => sum + database.tables.length, 0);
  output.out(
    `Copied ${plural(summary.databases.length, "database", "databases")}, ${plural(tables, "table", "tables")}, ${plural(summary.rows, "row", "rows")} into ${summary.target} in ${(summary.ms / 1000).toFixed(1)} s; every table's count matches.\n`,
  );
  for (const database of plugins.copied) {
    const files = filesBeside(database);
    if (files > 0)
      output.out(
        `Note: ${path.dirname(database.file)} holds ${plural(files, "file", "files")} besides its database (attachments, for instance). They are not in PostgreSQL: keep them where every kernel finds them (docs/scaling.md, "Moving from one machine").\n`,
      );
  }
  output.out(
    "Next: set DATABASE_URL to this database for every kernel, start them and check /health (docs/scaling.md).\n",
  );
  return EXIT.ok;
}

function report(event: CopyProgress, output: Output): void {
  if (event.type === "database") {
    output.out(
      `${event.database} -> ${event.schema} (${plural(event.tables, "table", "tables")})\n`,
    );
  } else if (event.type === "rows") {
    output.live?.(`  ${event.table.padEnd(32)} ${event.copied}/${event.total} rows`);
  } else {
    const line = `  ${event.table.padEnd(32)} ${plural(event.rows, "row", "rows").padStart(14)}`;
    // On a terminal the running count's line becomes the final one.
    if (output.live) output.live(line);
    output.out(output.live ? "\n" : `${line}\n`);
  }
}

/** A kernel writing the files now would make the copy stale: its leases say it runs. */
function refuseWhileRunning(kernelFile: string): void {
  const db = new Database(kernelFile, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kernel_leases'")
      .get();
    if (!table) return;
    const held = db
      .prepare("SELECT name, expires_at_ms FROM kernel_leases WHERE expires_at_ms > ?")
      .all(Date.now()) as Array<{ name: string; expires_at_ms: number }>;
    if (held.length > 0) {
      throw new CopyRefusedError(
        `a kernel is running on this DATA_DIR (it holds the lease ${held.map((lease) => `"${lease.name}" until ${new Date(lease.expires_at_ms).toISOString()}`).join(", ")}): stop the server, then copy`,
      );
    }
  } finally {
    db.close();
  }
}

/** The active version's folder of every installed package, as a kernel start reads them. */
function packageFolders(kernelFile: string): string[] {
  const db = new Database(kernelFile, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plugin_packages'")
      .get();
    if (!table) return [];
    const folders = db
      .prepare("SELECT folder FROM plugin_packages WHERE status = 'active' ORDER BY name")
      .pluck()
      .all() as string[];
    return folders.filter((folder) => existsSync(folder));
  } finally {
    db.close();
  }
}

/**
 * Every plugin database in DATA_DIR with the code whose migrations made it: plugins are
 * found as a kernel start finds them (the first of a name wins). A database whose code
 * cannot be found is refused, unless left out by name.
 */
async function pluginDatabases(
  settings: KernelSettings,
  kernelFile: string,
  leaveOut: ReadonlySet<string>,
): Promise<{ copied: EmbeddedDatabase[]; leftOut: string[] }> {
  const pluginsDir = path.join(settings.dataDir, "plugins");
  const files = new Map<string, string>();
  if (existsSync(pluginsDir)) {
    for (const entry of readdirSync(pluginsDir, { withFileTypes: true })) {
      const file = path.join(pluginsDir, entry.name, `${entry.name}.db`);
      if (entry.isDirectory() && existsSync(file)) files.set(entry.name, file);
    }
  }
  const definitions = new Map<string, AnyPluginDefinition>();
  const failures = new Map<string, string>();
  const roots = pluginFolders(settings.plugins.directories, packageFolders(kernelFile));
  for (const { root } of roots) {
    let name: string;
    let entry: string;
    try {
      ({ name, entry } = readManifest(root, KERNEL_VERSION));
    } catch {
      continue; // A kernel refuses this folder too; its database, if any, has no code.
    }
    if (definitions.has(name) || failures.has(name) || !files.has(name) || leaveOut.has(name))
      continue;
    try {
      const module = (await import(pathToFileURL(path.join(root, entry)).href)) as {
        default?: unknown;
      };
      if (!isPluginDefinition(module.default))
        throw new Error(`${entry} does not default-export definePlugin({...})`);
      if (!module.default.database)
        throw new Error("its definition declares no database, yet DATA_DIR holds one");
      definitions.set(name, module.default);
    } catch (error) {
      failures.set(name, `${root}: ${(error as Error).message}`);
    }
  }
  const missing: string[] = [];
  const copied: EmbeddedDatabase[] = [];
  const leftOut: string[] = [];
  for (const [name, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (leaveOut.has(name)) {
      leftOut.push(name);
      continue;
    }
    const definition = definitions.get(name);
    const database = definition?.database;
    if (!database) {
      missing.push(
        `plugins/${name}/${name}.db: ${failures.get(name) ?? "no plugin of that name is installed or in the plugin folders"}`,
      );
      continue;
    }
    copied.push({
      name,
      file,
      schema: pluginSchema(name),
      entities: database.entities as EmbeddedDatabase["entities"],
      migrations: database.migrations as EmbeddedDatabase["migrations"],
    });
  }
  if (missing.length > 0)
    throw new CopyRefusedError(
      "these plugin databases cannot be copied without their plugin's code (its migrations make the PostgreSQL tables); install the plugin, or pass --leave-out <name> to leave the database behind. Nothing was copied:",
      missing,
    );
  return { copied, leftOut };
}

/** Files in a plugin's data folder other than its SQLite database (attachments …). */
function filesBeside(database: EmbeddedDatabase): number {
  const folder = path.dirname(database.file);
  const own = new Set(["", "-wal", "-shm", "-journal"].map((end) => `${database.name}.db${end}`));
  let files = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !own.has(entry.name)) files += 1;
  }
  return files;
}
