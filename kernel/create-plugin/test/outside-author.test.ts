/**
 * An author outside this repository (issue #17, item 1), end to end against a real
 * registry: the workspace's publishable packages go to a Verdaccio started here (no
 * uplink, storage in a temp folder, loopback only); then, in a temp folder that no
 * pnpm-workspace.yaml is above, `npx @roa2web/create-plugin` scaffolds a plugin whose
 * `.npmrc` sends the `@roa2web` scope to that registry (everything else comes from
 * the machine's default registry, as for a real author), and `pnpm install`,
 * `pnpm typecheck`, `pnpm test` (the plugin's own tests on the published test kit),
 * `pnpm build` and `pnpm pack` each succeed.
 *
 * Slow (minutes: a real install and a kernel boot). It skips only when Verdaccio is not
 * installed, and needs the workspace built (`pnpm build`), as every test here does.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const PNPM = ["-y", "pnpm@10.34.9"];
/** What an outside author installs: every package that is not private. */
const PUBLISHED = [
  "@roa2web/plugin-sdk",
  "@roa2web/demo-erp",
  "@roa2web/reports-contract",
  "@roa2web/data-entry-contract",
  "@roa2web/kernel",
  "@roa2web/ui-shell",
  "@roa2web/create-plugin",
];

function verdaccioBin(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkgFile = require.resolve("verdaccio/package.json");
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string; bin: string };
    return path.join(path.dirname(pkgFile), pkg.bin);
  } catch {
    return undefined;
  }
}
const verdaccio = verdaccioBin();

/** A free loopback port: bound by the OS, released, then given to Verdaccio. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** The environment a child command gets: no vitest or pnpm-run variables of ours. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(VITEST|npm_|NODE_OPTIONS$|PNPM_)/i.test(name) && name !== "TEST",
    ),
  );
  return { ...env, NO_COLOR: "1", CI: "true", ...extra };
}

interface Step {
  status: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Step {
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: result.status,
    output: `$ ${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}\n${result.error ?? ""}`,
  };
}

/** A step that must succeed; its output is in the failure message when it does not. */
function expectSuccess(step: Step): void {
  expect(step.status, step.output.slice(-6000)).toBe(0);
}

/**
 * One HTTP request on its own connection. (fetch pools connections, and Verdaccio
 * closes an idle one after 5 s: the next fetch on it fails with "other side closed".)
 */
function http(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: () => unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const call = httpRequest(
      url,
      {
        method,
        agent: false,
        headers: payload ? { "content-type": "application/json" } : {},
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, json: () => JSON.parse(text) }),
        );
      },
    );
    call.on("error", reject);
    call.end(payload);
  });
}

let temp: string;
let registry: string;
let server: ChildProcess | undefined;
let serverLog = "";
let userConfig: string;

async function startVerdaccio(bin: string): Promise<void> {
  const port = await freePort();
  registry = `http://127.0.0.1:${port}/`;
  const storage = path.join(temp, "storage");
  const config = path.join(temp, "verdaccio.yaml");
  // No uplinks: nothing is proxied to a public registry. Only the @roa2web scope lives
  // here; publishing it takes a user of this registry's own htpasswd (npm's client
  // refuses to publish without credentials, so "anonymous" would never reach it).
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(storage)}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(path.join(temp, "htpasswd"))}`,
      "    max_users: 1",
      "uplinks: {}",
      "packages:",
      "  '@roa2web/*':",
      "    access: $all",
      "    publish: $authenticated",
      "    unpublish: $authenticated",
      `listen: 127.0.0.1:${port}`,
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  server = spawn(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${port}`], {
    cwd: temp,
    env: cleanEnv({}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk) => {
    serverLog += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    serverLog += chunk;
  });
  // Ready when it answers; it never will if it exited.
  for (let attempt = 0; ; attempt++) {
    if (server.exitCode !== null) throw new Error(`Verdaccio exited:\n${serverLog}`);
    try {
      const response = await http("GET", `${registry}-/ping`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (attempt > 600) throw new Error(`Verdaccio did not answer in time:\n${serverLog}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The publisher: a user of this registry, and its token in a user config of its own.
  const response = await http("PUT", `${registry}-/user/org.couchdb.user:publisher`, {
    name: "publisher",
    password: "publisher-password",
  });
  const body = response.json() as { token?: string };
  if (!body.token) throw new Error(`No token from Verdaccio: ${JSON.stringify(body)}`);
  userConfig = path.join(temp, "publisher.npmrc");
  writeFileSync(userConfig, `//127.0.0.1:${port}/:_authToken=${body.token}\n`);
}

/** pnpm's cached registry metadata of this port (a stale copy would name old tarballs). */
function forgetRegistryMetadata(): void {
  const cacheDir = path.join(os.homedir(), ".cache", "pnpm");
  if (!existsSync(cacheDir)) return;
  const port = new URL(registry).port;
  for (const folder of readdirSync(cacheDir)) {
    if (!folder.startsWith("metadata")) continue;
    for (const host of readdirSync(path.join(cacheDir, folder))) {
      if (host.startsWith("127.0.0.1") && host.includes(port)) {
        rmSync(path.join(cacheDir, folder, host), { recursive: true, force: true });
      }
    }
  }
}

describe.skipIf(!verdaccio)("a plugin authored outside the repository", () => {
  beforeAll(async () => {
    temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-outside-"));
    await startVerdaccio(verdaccio as string);
    forgetRegistryMetadata();
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    if (registry) forgetRegistryMetadata();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }, 60_000);

  it("publishes the packages, then scaffolds, installs, type-checks, tests, builds and packs a plugin", async () => {
    for (const built of ["kernel/core/dist/testing.js", "ui-shell/types/api.d.ts"]) {
      expect(existsSync(path.join(repoRoot, built)), `${built}: run pnpm build first`).toBe(true);
    }
    expect(
      existsSync(path.join(repoRoot, "kernel/create-plugin/template/notes/package.json")),
      "kernel/create-plugin/template: run pnpm build first",
    ).toBe(true);

    // 1. Publish from the built workspace, as a release does (`pnpm publish -r`).
    const publisherEnv = cleanEnv({ npm_config_userconfig: userConfig });
    const publish = run(
      "npx",
      [...PNPM, "-r", "publish", "--registry", registry, "--no-git-checks", "--access", "public"],
      repoRoot,
      publisherEnv,
    );
    expectSuccess(publish);
    for (const name of PUBLISHED) {
      const response = await http("GET", `${registry}${name.replace("/", "%2f")}`);
      expect(response.status, `${name} is on the registry`).toBe(200);
      const document = response.json() as {
        "dist-tags": { latest: string };
        versions: Record<string, Record<string, Record<string, string> | undefined>>;
      };
      const manifest = document.versions[document["dist-tags"].latest] ?? {};
      // pnpm rewrote every workspace: range to the version it published.
      expect(JSON.stringify(manifest)).not.toContain("workspace:");
    }
    // Nothing private went out (the plugins in this repository, the root).
    const privateOne = await http("GET", `${registry}@roa2web%2fplugin-example-notes`);
    expect(privateOne.status).toBe(404);

    // 2. An author's empty folder, outside any workspace: the scope points here.
    const author = mkdtempSync(path.join(os.tmpdir(), "roa2web-author-"));
    try {
      writeFileSync(path.join(author, ".npmrc"), `@roa2web:registry=${registry}\n`);
      const authorEnv = cleanEnv({
        // npx's own cache in the temp folder: never a stale create-plugin from an earlier run.
        npm_config_cache: path.join(temp, "npm-cache"),
      });
      const create = run(
        "npx",
        ["--yes", "@roa2web/create-plugin", "stock-count"],
        author,
        authorEnv,
      );
      expectSuccess(create);
      expect(create.output).toContain("Created roa2web-plugin-stock-count");
      const plugin = path.join(author, "stock-count");
      const pkg = JSON.parse(readFileSync(path.join(plugin, "package.json"), "utf8"));
      expect(pkg.dependencies["@roa2web/plugin-sdk"]).toMatch(/^\^\d/);
      writeFileSync(path.join(plugin, ".npmrc"), `@roa2web:registry=${registry}\n`);
      // pnpm's spelling of the same (pnpm create @roa2web/plugin → @roa2web/create-plugin),
      // with a cache of its own for the same reason as npx's.
      const viaPnpmCreate = run(
        "npx",
        [...PNPM, "create", "@roa2web/plugin", "invoices"],
        author,
        cleanEnv({ npm_config_cache_dir: path.join(temp, "pnpm-cache") }),
      );
      expectSuccess(viaPnpmCreate);
      const invoices = JSON.parse(
        readFileSync(path.join(author, "invoices", "package.json"), "utf8"),
      );
      expect(invoices.roa2web.name).toBe("invoices");
      expect(existsSync(path.join(author, "invoices", "src", "invoice-entity.ts"))).toBe(true);

      // 3. The author's commands, each as the README says.
      const pnpm = (...args: string[]) => run("npx", [...PNPM, ...args], plugin, authorEnv);
      const install = pnpm("install", "--prefer-offline");
      expectSuccess(install);
      // The plugin and the kernel share one TypeORM and one SDK (peers, not copies).
      const typeormCopies = readdirSync(path.join(plugin, "node_modules", ".pnpm")).filter(
        (entry) => entry.startsWith("typeorm@"),
      );
      expect(typeormCopies).toHaveLength(1);
      const sdkCopies = readdirSync(path.join(plugin, "node_modules", ".pnpm")).filter((entry) =>
        entry.startsWith("@roa2web+plugin-sdk@"),
      );
      expect(sdkCopies).toHaveLength(1);

      expectSuccess(pnpm("typecheck"));

      const test = pnpm("test");
      expectSuccess(test);
      // Its API test ran: a kernel from the published test kit served the built plugin.
      expect(test.output).toContain("stock-count-api.test.ts");
      const passed = /Tests\s+(\d+) passed/.exec(test.output);
      expect(Number(passed?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
      expect(test.output).not.toMatch(/\d+ failed/);

      expectSuccess(pnpm("build"));
      expect(existsSync(path.join(plugin, "dist", "plugin.js"))).toBe(true);
      expect(existsSync(path.join(plugin, "dist", "ui", "stock-count-app.js"))).toBe(true);

      const pack = pnpm("pack");
      expectSuccess(pack);
      const tarball = path.join(plugin, "roa2web-plugin-stock-count-0.1.0.tgz");
      expect(existsSync(tarball)).toBe(true);
      const listing = run("tar", ["-tzf", tarball], plugin, authorEnv);
      expectSuccess(listing);
      const files = listing.output.split("\n").map((line) => line.trim());
      expect(files).toContain("package/dist/plugin.js");
      expect(files).toContain("package/dist/ui/stock-count-app.js");
      expect(files).toContain("package/package.json");
      expect(files.some((file) => file.startsWith("package/src/"))).toBe(false);
      const packed = run("tar", ["-xzOf", tarball, "package/package.json"], plugin, authorEnv);
      const manifest = JSON.parse(
        packed.output.slice(packed.output.indexOf("{"), packed.output.lastIndexOf("}") + 1),
      );
      expect(manifest.roa2web).toMatchObject({
        name: "stock-count",
        entry: "dist/plugin.js",
        prefix: "/api/stock-count",
      });
    } finally {
      rmSync(author, { recursive: true, force: true });
    }
  }, 1_500_000);
});
