import {
  createKernel,
  loadConfig
} from "./chunk-WWIU334N.js";

// src/testing/test-kernel.ts
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync
} from "fs";
import os from "os";
import path from "path";
import { envNamespace } from "@roa2web/plugin-sdk";
import { pino } from "pino";
var LOGIN_RATE_LIMIT_MAX = "1000";
function readPluginPackage(folder) {
  const file = path.join(folder, "package.json");
  if (!existsSync(file)) {
    throw new Error(
      `startTestKernel: ${folder} holds no package.json: give each plugin package's own folder`
    );
  }
  let name;
  try {
    name = JSON.parse(readFileSync(file, "utf8")).roa2web?.name;
  } catch (error) {
    throw new Error(
      `startTestKernel: ${file} cannot be read: ${error instanceof Error ? error.message : error}`
    );
  }
  if (typeof name !== "string") {
    throw new Error(`startTestKernel: ${file} has no roa2web manifest with a name`);
  }
  return { folder: realpathSync(folder), name };
}
async function startTestKernel(options = {}) {
  const packages = (options.plugins ?? []).map(readPluginPackage);
  const temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-test-"));
  try {
    const dataDir = path.join(temp, "data");
    const links = path.join(temp, "plugins");
    mkdirSync(links);
    packages.forEach((pkg, index) => {
      symlinkSync(pkg.folder, path.join(links, `${index}-${pkg.name}`), "junction");
    });
    const switches = Object.fromEntries(
      packages.map((pkg) => [`MODULE_${envNamespace(pkg.name)}_ENABLED`, "true"])
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
        PLUGINS_WORKSPACE_DIR: links,
        PLUGINS_DIR: "",
        UI_SHELL_DIR: path.join(dataDir, "no-shell"),
        HTTP_DRAIN_TIMEOUT_MS: "5000",
        ...switches,
        ...options.env
      }
    });
    const lines = options.logLines;
    const logger = pino(
      { level: lines ? "debug" : "silent", base: { module: "kernel" } },
      lines ? { write: (line) => void lines.push(JSON.parse(line)) } : void 0
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
function assertStarted(kernel, packages) {
  for (const pkg of packages) {
    const record = kernel.plugins.get(pkg.name) ?? kernel.plugins.list().find((candidate) => candidate.root === pkg.folder);
    if (record?.state === "enabled" && record.root === pkg.folder) continue;
    const why = !record ? "it was not discovered" : record.root !== pkg.folder ? `another package (${record.root}) has the name "${pkg.name}"` : record.failure ? `it failed at step "${record.failure.step}": ${record.failure.message}` : `it is ${record.state} (set MODULE_${envNamespace(pkg.name)}_ENABLED=true or pass requireStarted: false)`;
    throw new Error(`startTestKernel: plugin "${pkg.name}" (${pkg.folder}) did not start: ${why}`);
  }
}
function wrap(kernel, temp, dataDir) {
  const app = () => {
    const active = kernel.switchboard.activeApp;
    if (!active) throw new Error("startTestKernel: the kernel serves no route generation");
    return active;
  };
  const services = kernel.container.resolve("services").scoped("test");
  const events = kernel.container.resolve("events").scoped("test");
  let usersMade = 0;
  let closing;
  const login = async (username = "demo", password = "demo") => {
    const response = await app().inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password }
    });
    if (response.statusCode !== 200)
      throw new Error(`login as "${username}" failed: ${response.statusCode} ${response.body}`);
    return response.json().access_token;
  };
  const plugin = (pluginName) => {
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
      const headers = token ? { ...options.headers, authorization: `Bearer ${token}` } : void 0;
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
        companies: user.companies ?? "*"
      });
      return {
        id: record.id,
        username: record.username,
        password,
        token: await login(username, password)
      };
    },
    async health(pluginName) {
      const response = await app().inject({ method: "GET", url: "/health" });
      const entries = response.json().plugins;
      const entry = entries.find((candidate) => candidate.name === pluginName);
      if (!entry) throw new Error(`/health lists no plugin named "${pluginName}"`);
      return entry;
    },
    plugin,
    database(pluginName) {
      const record = plugin(pluginName);
      if (!record.instance)
        throw new Error(`plugin "${pluginName}" is ${record.state}: it has no open database`);
      return record.instance.context.database();
    },
    services,
    events,
    close() {
      closing ??= (async () => {
        services.dispose();
        events.dispose();
        try {
          await kernel.stop();
        } finally {
          rmSync(temp, { recursive: true, force: true });
        }
      })();
      return closing;
    }
  };
}
export {
  startTestKernel
};
//# sourceMappingURL=testing.js.map