/**
 * `roa2web plugin dev <dir>`: the plugin author's loop (#17 item 5). Builds the plugin
 * with its own `build` script, packs it unsigned under a development version that always
 * grows, installs it on a running DEVELOPMENT server through the admin API (as
 * `roa2web plugin install` does), then watches its sources and does it again on every
 * save. A build or install that fails is printed and the version before keeps serving.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import chokidar from "chokidar";
import semver from "semver";
import { packPlugin } from "../packages/pack-plugin.js";
import {
  AdminClient,
  CliError,
  type InstallCommandIo,
  promptHidden,
  serverUrl,
} from "./plugin-install-commands.js";

export interface DevCommandIo extends InstallCommandIo {
  /** Stops the loop (the command then returns 0); without it, Ctrl-C (SIGINT) or SIGTERM does. */
  signal?: AbortSignal;
}

const EXIT_USAGE = 64;
const EXIT_REFUSED = 65;
/** Saves closer together than this are one change (editors write a file in several steps). */
const DEBOUNCE_MS = 150;
/** What the loop watches, besides package.json; the build's output folders are never watched. */
const WATCHED = ["src", "migrations", "ui"];
const IGNORED = /(^|\/)(node_modules|dist|\.git)(\/|$)|~$|\.swp$/;

export const devUsage = "dev <plugin dir> [--server <url>] [--user <name>] [--force]";
export const devSummary =
  "build, pack (unsigned, version <version>-dev.<n>) and install a plugin on a running development server, then again on every save of its sources; Ctrl-C stops";

/**
 * The development version of a build: the next patch of package.json's version with a
 * `-dev.<n>` pre-release (a pre-release version gets `.dev.<n>` appended), n growing with the clock (and at least `previous + 1`), so
 * every build is newer than the one before, than a release of the version being worked
 * on, and than the builds of an earlier session — the kernel's "same version" and
 * "downgrade" checks pass without force.
 */
export function devVersion(
  base: string,
  previous = 0,
  now = Date.now(),
): { version: string; n: number } {
  const parsed = semver.parse(base);
  if (!parsed) throw new CliError(`package.json's version "${base}" is not semver`, EXIT_USAGE);
  const n = Math.max(now, previous + 1);
  // 1.2.3 → 1.2.4-dev.n (newer than 1.2.3); 2.0.0-rc.1 → 2.0.0-rc.1.dev.n (newer than the rc).
  const version =
    parsed.prerelease.length > 0
      ? `${parsed.version}.dev.${n}`
      : `${semver.inc(parsed.version, "patch")}-dev.${n}`;
  return { version, n };
}

export async function runDevCommand(args: string[], io: DevCommandIo): Promise<number> {
  let parsed: {
    values: { server?: string; user?: string; force?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { server: { type: "string" }, user: { type: "string" }, force: { type: "boolean" } },
    });
    if (parsed.positionals.length !== 1) throw new Error("needs exactly one plugin folder");
  } catch (error) {
    io.err(`roa2web plugin dev: ${(error as Error).message}\nusage: roa2web plugin ${devUsage}\n`);
    return EXIT_USAGE;
  }
  // `pnpm dev:plugin <dir>` runs in the workspace root: the folder is where the author typed it.
  const dir = path.resolve(io.env.INIT_CWD ?? process.cwd(), parsed.positionals[0] as string);
  try {
    const loop = await DevLoop.open(dir, parsed.values, io);
    return await loop.run();
  } catch (error) {
    io.err(`roa2web plugin dev: ${(error as Error).message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

interface PluginPackageJson {
  version: string;
  scripts?: { build?: string };
  roa2web?: { name?: string; ui?: { module?: string } };
}

class DevLoop {
  private previousN = 0;
  private serving: string | undefined;
  private uiHash: string | undefined;
  private changed = new Set<string>();
  private firstChangeAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;

  private constructor(
    private readonly dir: string,
    private readonly pkg: PluginPackageJson,
    private readonly client: AdminClient,
    private readonly user: string | undefined,
    private readonly outDir: string,
    private readonly force: boolean,
    private readonly io: DevCommandIo,
  ) {}

  static async open(
    dir: string,
    options: { server?: string; user?: string; force?: boolean },
    io: DevCommandIo,
  ): Promise<DevLoop> {
    let pkg: PluginPackageJson;
    try {
      pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as PluginPackageJson;
    } catch (error) {
      throw new CliError(
        `${dir} is not a plugin folder: cannot read its package.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        EXIT_USAGE,
      );
    }
    if (!pkg.roa2web?.name) {
      throw new CliError(`${dir}/package.json has no "roa2web" manifest: not a plugin`, EXIT_USAGE);
    }
    if (!pkg.scripts?.build) {
      throw new CliError(
        `${dir}/package.json has no "build" script: the dev loop builds with it (tsup, and vite for the UI)`,
        EXIT_USAGE,
      );
    }
    // The password is asked once: the loop signs in again when its access token expires.
    let password: Promise<string | undefined> | undefined;
    const ask = io.askPassword ?? promptHidden;
    const client = new AdminClient(serverUrl(options.server, io.env), {
      ...io,
      askPassword: (prompt) => {
        const asked = password ?? ask(prompt);
        password = asked;
        return asked;
      },
    });
    await client.signIn(options.user);
    let health: { environment?: string } = {};
    try {
      health = (await client.request("GET", "/health?details=1")) as typeof health;
    } catch (error) {
      // 503: something the server needs is down; it still runs, and still checks signatures.
      if (!(error instanceof CliError && error.message.startsWith("refused (503"))) throw error;
    }
    if (health.environment === "production") {
      throw new CliError(
        `${client.server} runs in production: it installs only packages signed by a trusted key, and the dev loop's builds are unsigned. ` +
          "Run the loop against a development server (ROA2WEB_ENV=development); ship to production with `roa2web plugin pack --key` and `roa2web plugin install`.",
        EXIT_REFUSED,
      );
    }
    const outDir = await mkdtemp(path.join(os.tmpdir(), "roa2web-plugin-dev-"));
    return new DevLoop(dir, pkg, client, options.user, outDir, options.force === true, io);
  }

  async run(): Promise<number> {
    const { io } = this;
    const name = this.pkg.roa2web?.name as string;
    io.out(
      `dev loop: ${name} from ${this.dir} → ${this.client.server} (unsigned development builds)\n`,
    );
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    if (io.signal) {
      if (io.signal.aborted) stop();
      io.signal.addEventListener("abort", stop, { once: true });
    } else {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }
    const watched = [...WATCHED, "package.json"].filter((entry) =>
      existsSync(path.join(this.dir, entry)),
    );
    // chokidar, not fs.watch: Node 20's recursive fs.watch on Linux loses a file that an
    // editor saves by writing a new file and renaming it over the old one (vim, sed -i).
    const watcher = chokidar.watch(
      watched.map((entry) => path.join(this.dir, entry)),
      { ignoreInitial: true, ignored: (file) => IGNORED.test(this.relative(file)) },
    );
    try {
      watcher.on("all", (_event, file) => {
        this.onChange(this.relative(file));
      });
      await new Promise<void>((resolve, reject) => {
        watcher.once("ready", resolve);
        watcher.once("error", reject);
      });
      io.out(`watching ${watched.join(", ")}\n`);
      this.start(["(first build)"], Date.now());
      await stopped;
    } finally {
      await watcher.close();
      clearTimeout(this.timer);
      if (!io.signal) {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
      this.rerun = false;
      await this.running?.catch(() => {});
      await rm(this.outDir, { recursive: true, force: true });
    }
    io.out(
      `dev loop stopped; ${this.serving ? `${name} ${this.serving} stays installed` : "nothing was installed"}\n`,
    );
    return 0;
  }

  /** A watched path as the output shows it: from the plugin folder, with `/`. */
  private relative(file: string): string {
    return path.relative(this.dir, file).split(path.sep).join("/");
  }

  private onChange(file: string): void {
    if (IGNORED.test(file)) return;
    if (this.changed.size === 0) this.firstChangeAt = Date.now();
    this.changed.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  private flush(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    const files = [...this.changed].sort();
    this.changed.clear();
    this.start(files, this.firstChangeAt);
  }

  private start(files: string[], savedAt: number): void {
    this.running = this.cycle(files, savedAt).finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        if (this.changed.size > 0) this.flush();
      }
    });
  }

  /** Sends the package; an access token that expired (15 minutes by default) is renewed once. */
  private async upload(form: FormData): Promise<unknown> {
    const send = () => this.client.request("POST", "/api/kernel/plugins/packages", { form });
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof CliError && error.message.startsWith("refused (401"))) throw error;
      await this.client.signIn(this.user);
      return await send();
    }
  }

  /** One build → pack → install; never throws (a failure is printed, the old version serves). */
  private async cycle(files: string[], savedAt: number): Promise<void> {
    const { io } = this;
    const name = this.pkg.roa2web?.name as string;
    io.out(`\nchanged: ${files.join(", ")}\n`);
    const keeps = this.serving ? `${name} ${this.serving} keeps serving` : "nothing installed yet";
    const builtFrom = Date.now();
    const build = await runBuild(this.dir, this.pkg.scripts?.build as string, io.env);
    if (build.code !== 0) {
      io.err(`${build.output.trimEnd()}\nbuild failed (exit ${build.code}): ${keeps}\n`);
      return;
    }
    try {
      const pkg = JSON.parse(
        await readFile(path.join(this.dir, "package.json"), "utf8"),
      ) as PluginPackageJson;
      const { version, n } = devVersion(pkg.version, this.previousN);
      await rm(this.outDir, { recursive: true, force: true });
      const packedFrom = Date.now();
      const { file } = await packPlugin(this.dir, { outDir: this.outDir, version });
      this.previousN = n;
      const form = new FormData();
      if (this.force) form.append("force", "true");
      form.append("file", new Blob([await readFile(file)]), path.basename(file));
      const sentFrom = Date.now();
      const answer = (await this.upload(form)) as {
        kind: string;
        version: string;
        previous_version: string | null;
        warnings: string[];
        new_permissions: Record<string, string>;
      };
      this.serving = answer.version;
      const now = Date.now();
      const seconds = (ms: number) => (ms / 1000).toFixed(1);
      const steps = `build ${seconds(packedFrom - builtFrom)} s, pack ${seconds(sentFrom - packedFrom)} s, install ${seconds(now - sentFrom)} s`;
      io.out(
        `serving ${name} ${answer.version} ${seconds(now - savedAt)} s after the save (${steps}; ${answer.kind}${answer.previous_version ? ` from ${answer.previous_version}` : ""})\n`,
      );
      for (const [permission, description] of Object.entries(answer.new_permissions)) {
        io.out(`new permission (granted to nobody yet): ${permission}  ${description}\n`);
      }
      for (const warning of answer.warnings) {
        if (!/unsigned/i.test(warning)) io.err(`warning: ${warning}\n`);
      }
      const uiHash = await hashUi(this.dir, pkg.roa2web?.ui?.module);
      if (uiHash !== undefined && this.uiHash !== undefined && uiHash !== this.uiHash) {
        io.out(
          `the UI changed: pages of ${name} open in a browser load the new version (unless the server says PLUGIN_UI_RELOAD=notice: then they offer a reload)\n`,
        );
      }
      this.uiHash = uiHash;
    } catch (error) {
      const refused =
        error instanceof CliError && /PACKAGE_DOWNGRADE/.test(error.message)
          ? " (a newer version is installed: pass --force, or remove it first)"
          : "";
      io.err(`not installed: ${(error as Error).message}${refused}; ${keeps}\n`);
    }
  }
}

/** Runs the plugin's build script as `npm run` would: its and its parents' node_modules/.bin first on PATH. */
function runBuild(
  dir: string,
  script: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ code: number; output: string }> {
  const bins: string[] = [];
  for (let folder = dir; ; folder = path.dirname(folder)) {
    bins.push(path.join(folder, "node_modules", ".bin"));
    if (path.dirname(folder) === folder) break;
  }
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;
  childEnv.PATH = [...bins, env.PATH ?? process.env.PATH ?? ""].join(path.delimiter);
  return new Promise((resolve) => {
    const child = spawn(script, {
      cwd: dir,
      shell: true,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", (error) => resolve({ code: 127, output: `${output}${error.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** One hash of every file in the built UI's folder (undefined without a UI). */
async function hashUi(dir: string, module: string | undefined): Promise<string | undefined> {
  if (!module) return undefined;
  const folder = path.dirname(path.resolve(dir, module));
  const hash = createHash("sha256");
  const walk = async (at: string) => {
    for (const entry of (await readdir(at, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const child = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (!entry.name.endsWith(".map")) hash.update(entry.name).update(await readFile(child));
    }
  };
  try {
    await walk(folder);
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}
