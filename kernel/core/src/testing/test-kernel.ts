/**
 * Starts a real kernel for a plugin's HTTP tests: temporary SQLite files, the demo ERP,
 * the `demo`/`demo` user, and exactly the plugin packages the test names. Framework-free
 * (no vitest here), so it ships in the kernel's build as `@roa2web/kernel/testing`.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type EventMeta,
  type EventRef,
  envNamespace,
  type ServiceFactory,
  type ServiceHandle,
  type ServiceRef,
} from "@roa2web/plugin-sdk";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { pino } from "pino";
import type { DataSource } from "typeorm";
import { loadConfig } from "../config/load-config.js";
import { createKernel, type Kernel } from "../kernel.js";
import type { PluginRecord } from "../plugins/plugin-manager.js";

export interface StartTestKernelOptions {
  /**
   * Folders of plugin packages to load (each holds a `package.json` with a `roa2web`
   * manifest and its built `dist/`). Only these are discovered, each is switched on
   * (`MODULE_<NAME>_ENABLED=true` unless `env` says otherwise), and by default each
   * must reach `enabled` or `startTestKernel` throws with the step and the reason.
   */
  plugins?: readonly string[];
  /**
   * Folders whose sub-folders are plugin packages, scanned as the kernel scans
   * `PLUGINS_DIR` (for a test of the whole set, such as the web shell's): each plugin
   * found keeps its own default (on, unless its manifest says `enabledByDefault: false`
   * or `env` switches it) and need not start.
   */
  pluginFolders?: readonly string[];
  /** Settings, as environment variables (the process environment is not read). */
  env?: Readonly<Record<string, string>>;
  /** Listen on a free loopback port (`url`), for tests that need real HTTP (fetch, streams). */
  listen?: boolean;
  /** Whether every folder in `plugins` must start (default true). */
  requireStarted?: boolean;
  /** Receives every log line as an object (level debug); silent otherwise. */
  logLines?: object[];
  /** A roa2web checkout whose `config/test.env` is read (the kernel's own tests). */
  root?: string;
}

/** An `InjectOptions` whose `token` becomes `authorization: Bearer <token>`. */
export type TestInjectOptions = InjectOptions & { token?: string };

export interface TestUser {
  /** The user's permissions, e.g. `["notes:read"]`; `*` may stand for either part. */
  permissions: string[];
  /** Company ids the user may see, or `"*"` for all (default `"*"`). */
  companies?: number[] | "*";
  /** Default: `test-user-<n>`, unique within this kernel. */
  username?: string;
  /** Default: `<username>-password`. */
  password?: string;
}

export interface CreatedTestUser {
  id: number;
  username: string;
  password: string;
  /** An access token of this user, signed in through `POST /api/auth/login`. */
  token: string;
}

/** A plugin's entry in `GET /health?details=1` (what an administrator sees). */
export interface PluginHealthEntry {
  name: string;
  version: string | null;
  state: string;
  /** `up`, `degraded`, `down`, `not-configured`, or the state when not running. */
  status: string;
  detail?: string;
  data?: Record<string, unknown>;
}

export interface TestKernel {
  /** The kernel itself (its plugins, container, users), for what the helpers do not cover. */
  kernel: Kernel;
  /** `DATA_DIR`: plugin databases are at `<dataDir>/plugins/<name>/<name>.db`. */
  dataDir: string;
  /** Base URL when started with `listen: true`, otherwise `""`. */
  url: string;
  /** Signs in (default `demo`/`demo`, every permission, every company); the access token. */
  login(username?: string, password?: string): Promise<string>;
  /** Fastify `inject()` against the routes serving now; `token` is sent as a bearer token. */
  inject(options: TestInjectOptions): Promise<LightMyRequestResponse>;
  /** Creates a local user with exactly these grants and signs them in. */
  createUser(user: TestUser): Promise<CreatedTestUser>;
  /** The plugin's entry in `GET /health?details=1`, as the demo user (state, status, your `health()` data). */
  health(pluginName: string): Promise<PluginHealthEntry>;
  /** The plugin's record: state, failure (step and message), manifest. */
  plugin(pluginName: string): PluginRecord;
  /** The running plugin's own database (migrated), as its `ctx.database()` returns it. */
  database(pluginName: string): DataSource;
  /**
   * A stand-in provider for another plugin's service while the test runs (the real
   * provider need not be installed); the factory gets the caller the kernel built.
   * Returns a function that withdraws it.
   */
  provide<T>(ref: ServiceRef<T, "plugin">, factory: ServiceFactory<T>): () => void;
  /** A plugin's service as a consumer named "test" holds it: `.for(user)`, `.asSystem(reason)`. */
  service<T>(ref: ServiceRef<T, "plugin">): ServiceHandle<T>;
  /** Emits an event as if the plugin `as` (default: the event id's first part) sent it. */
  emit<P>(ref: EventRef<P>, payload: P, options?: { as?: string }): void;
  /** Subscribes as "test" until the kernel closes (or the returned function is called). */
  on<P>(ref: EventRef<P>, handler: (payload: P, meta: EventMeta) => void): () => void;
  /** Stops the kernel and deletes the temporary folder. */
  close(): Promise<void>;
}

/**
 * Defaults high enough that tests may fail to sign in as often as they like (the
 * kernel's: 5 failures per address in 5 min, then a back-off per account).
 */
const LOGIN_RATE_LIMIT_MAX = "1000";
const LOGIN_ACCOUNT_FREE_ATTEMPTS = "1000";

interface PluginPackage {
  folder: string;
  name: string;
}

function readPluginPackage(folder: string): PluginPackage {
  const file = path.join(folder, "package.json");
  if (!existsSync(file)) {
    throw new Error(
      `startTestKernel: ${folder} holds no package.json: give each plugin package's own folder`,
    );
  }
  let name: unknown;
  try {
    name = JSON.parse(readFileSync(file, "utf8")).roa2web?.name;
  } catch (error) {
    throw new Error(
      `startTestKernel: ${file} cannot be read: ${error instanceof Error ? error.message : error}`,
    );
  }
  if (typeof name !== "string") {
    throw new Error(`startTestKernel: ${file} has no roa2web manifest with a name`);
  }
  return { folder: realpathSync(folder), name };
}

export async function startTestKernel(options: StartTestKernelOptions = {}): Promise<TestKernel> {
  const packages = (options.plugins ?? []).map(readPluginPackage);
  const folders = (options.pluginFolders ?? []).map((folder) => path.resolve(folder));
  const listed = folders.find((folder) => folder.includes(","));
  if (listed) throw new Error(`startTestKernel: a plugin folder cannot contain a comma: ${listed}`);
  const temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-test-"));
  try {
    const dataDir = path.join(temp, "data");
    // Links to exactly the named packages: the kernel scans this folder and nothing else.
    const links = path.join(temp, "plugins");
    mkdirSync(links);
    packages.forEach((pkg, index) => {
      symlinkSync(pkg.folder, path.join(links, `${index}-${pkg.name}`), "junction");
    });
    const switches = Object.fromEntries(
      packages.map((pkg) => [`MODULE_${envNamespace(pkg.name)}_ENABLED`, "true"]),
    );
    const settings = loadConfig({
      root: options.root ?? temp,
      ignoreDotenv: true,
      env: {
        ROA2WEB_ENV: "test",
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        AUTH_CREATE_DEMO_USER: "true",
        LOGIN_RATE_LIMIT_MAX,
        LOGIN_ACCOUNT_FREE_ATTEMPTS,
        PLUGINS_WORKSPACE_DIR: links,
        PLUGINS_DIR: folders.join(","),
        UI_SHELL_DIR: path.join(dataDir, "no-shell"),
        HTTP_DRAIN_TIMEOUT_MS: "5000",
        ...switches,
        ...options.env,
      },
    });
    const lines = options.logLines;
    const logger = pino(
      { level: lines ? "debug" : "silent", base: { module: "kernel" } },
      lines ? { write: (line: string) => void lines.push(JSON.parse(line)) } : undefined,
    );
    const kernel = await createKernel(settings, { logger });
    const testKernel = wrap(kernel, temp, dataDir);
    try {
      if (options.requireStarted ?? true) assertStarted(kernel, packages);
      if (options.listen) testKernel.url = (await kernel.listen()).url;
    } catch (error) {
      await testKernel.close();
      throw error;
    }
    return testKernel;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

function assertStarted(kernel: Kernel, packages: readonly PluginPackage[]): void {
  for (const pkg of packages) {
    const record =
      kernel.plugins.get(pkg.name) ??
      kernel.plugins.list().find((candidate) => candidate.root === pkg.folder);
    if (record?.state === "enabled" && record.root === pkg.folder) continue;
    const why = !record
      ? "it was not discovered"
      : record.root !== pkg.folder
        ? `another package (${record.root}) has the name "${pkg.name}"`
        : record.failure
          ? `it failed at step "${record.failure.step}": ${record.failure.message}`
          : `it is ${record.state} (set MODULE_${envNamespace(pkg.name)}_ENABLED=true or pass requireStarted: false)`;
    throw new Error(`startTestKernel: plugin "${pkg.name}" (${pkg.folder}) did not start: ${why}`);
  }
}

function wrap(kernel: Kernel, temp: string, dataDir: string): TestKernel {
  const app = (): FastifyInstance => {
    const active = kernel.switchboard.activeApp;
    if (!active) throw new Error("startTestKernel: the kernel serves no route generation");
    return active;
  };
  const directory = kernel.container.cradle.services;
  const hub = kernel.container.cradle.events;
  const undo = new Set<() => void>();
  let usersMade = 0;
  let closing: Promise<void> | undefined;

  const login = async (username = "demo", password = "demo") => {
    const response = await app().inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password },
    });
    if (response.statusCode !== 200)
      throw new Error(`login as "${username}" failed: ${response.statusCode} ${response.body}`);
    return response.json().access_token as string;
  };
  const plugin = (pluginName: string) => {
    const record = kernel.plugins.get(pluginName);
    if (!record) {
      const known = kernel.plugins.list().map((candidate) => candidate.name);
      throw new Error(`no plugin named "${pluginName}" (known: ${known.join(", ") || "none"})`);
    }
    return record;
  };

  return {
    kernel,
    dataDir,
    url: "",
    login,
    inject({ token, ...options }) {
      const headers = token ? { ...options.headers, authorization: `Bearer ${token}` } : undefined;
      return app().inject(headers ? { ...options, headers } : options);
    },
    async createUser(user) {
      usersMade += 1;
      const username = user.username ?? `test-user-${usersMade}`;
      const password = user.password ?? `${username}-password`;
      const record = await kernel.users.create({
        username,
        password,
        permissions: user.permissions,
        companies: user.companies ?? "*",
      });
      return {
        id: record.id,
        username: record.username,
        password,
        token: await login(username, password),
      };
    },
    async health(pluginName) {
      // The details (version, data) are for administrators: demo has every permission.
      const response = await app().inject({
        method: "GET",
        url: "/health?details=1",
        headers: { authorization: `Bearer ${await login()}` },
      });
      const entries = response.json().plugins as PluginHealthEntry[];
      const entry = entries.find((candidate) => candidate.name === pluginName);
      if (!entry) throw new Error(`/health lists no plugin named "${pluginName}"`);
      return entry;
    },
    plugin,
    database(pluginName) {
      const record = plugin(pluginName);
      if (!record.instance)
        throw new Error(`plugin "${pluginName}" is ${record.state}: it has no open database`);
      return record.instance.runtime.database();
    },
    provide(ref, factory) {
      directory.provideFactory("test", ref.id, ref.version, factory as ServiceFactory<unknown>);
      const withdraw = () => directory.withdraw("test", ref.id, factory);
      undo.add(withdraw);
      return withdraw;
    },
    service(ref) {
      return directory.handle("test", ref, `^${ref.version}`);
    },
    emit(ref, payload, options = {}) {
      hub.emit(options.as ?? ref.id.split(".")[0] ?? "test", ref.id, payload);
    },
    on(ref, handler) {
      const unsubscribe = hub.subscribe("test", ref.id, handler as never);
      undo.add(unsubscribe);
      return unsubscribe;
    },
    close() {
      closing ??= (async () => {
        for (const step of undo) step();
        try {
          await kernel.stop();
        } finally {
          rmSync(temp, { recursive: true, force: true });
        }
      })();
      return closing;
    },
  };
}
