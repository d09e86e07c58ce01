// `roa2web plugin dev` against a running kernel over real HTTP: a copy of the notes
// example OUTSIDE the workspace is built, installed, edited and installed again.

import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPackage, packPlugin } from "../packages/index.js";
import { startTestKernel, type TestKernel } from "../testing/index.js";
import { runPluginCommand } from "./plugin-command.js";
import { devVersion } from "./plugin-dev-command.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const NOTES = path.join(REPO, "plugins/examples/notes");
const work = mkdtempSync(path.join(os.tmpdir(), "plugin-dev-cli-"));
const plugin = path.join(work, "notes");
const errors = path.join(plugin, "src/errors.ts");

/**
 * The author's folder: the notes sources copied outside the workspace. A real author
 * installs the SDK, tsup and vite from a registry; here node_modules is a folder of
 * links to the workspace's installed copies (the notes example's own dependencies, and
 * tsup, which the workspace hoists to its root), and tsconfig.json extends the
 * workspace's base by absolute path — so the build is the plugin's own `build` script,
 * run where no workspace surrounds it.
 */
function authorsCopy(): void {
  mkdirSync(plugin, { recursive: true });
  for (const entry of ["src", "package.json", "tsup.config.ts", "vite.config.ts", "README.md"]) {
    cpSync(path.join(NOTES, entry), path.join(plugin, entry), { recursive: true });
  }
  writeFileSync(
    path.join(plugin, "tsconfig.json"),
    JSON.stringify({
      extends: path.join(REPO, "tsconfig.base.json"),
      compilerOptions: { noEmit: true, lib: ["ES2023", "DOM", "DOM.Iterable"] },
      include: ["src"],
    }),
  );
  const modules = path.join(plugin, "node_modules");
  mkdirSync(path.join(modules, ".bin"), { recursive: true });
  for (const name of ["@roa2web", "typeorm", "vite"]) {
    symlinkSync(path.join(NOTES, "node_modules", name), path.join(modules, name));
  }
  symlinkSync(path.join(REPO, "node_modules/tsup"), path.join(modules, "tsup"));
  symlinkSync(path.join(NOTES, "node_modules/.bin/vite"), path.join(modules, ".bin/vite"));
  symlinkSync(path.join(REPO, "node_modules/.bin/tsup"), path.join(modules, ".bin/tsup"));
}

let t: TestKernel;
let token: string;

beforeAll(async () => {
  authorsCopy();
  // No plugin folders: notes arrives only through the dev loop.
  // Ended sessions are re-read every 50 ms (instead of 5 s), for the expired-token step.
  t = await startTestKernel({ listen: true, env: { AUTH_SESSION_RECHECK_MS: "50" } });
  token = await t.login("demo", "demo");
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

function startDevLoop(server: string) {
  const output = { out: "", err: "" };
  const controller = new AbortController();
  const done = runPluginCommand(["dev", plugin, "--server", server], {
    out: (text) => {
      output.out += text;
    },
    err: (text) => {
      output.err += text;
    },
    env: { ...process.env, ROA2WEB_USER: "demo", ROA2WEB_PASSWORD: "demo" },
    signal: controller.signal,
  } as Parameters<typeof runPluginCommand>[1]);
  return { output, done, stop: () => controller.abort() };
}

/** The text of the notes plugin's 404, as the running kernel answers it now. */
async function missingNoteMessage(): Promise<string> {
  const response = await fetch(`${t.url}/api/notes/999999`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { error: { message: string } }).error.message;
}

const count = (text: string, what: RegExp) => text.match(new RegExp(what, "g"))?.length ?? 0;

describe("roa2web plugin dev", () => {
  it("installs the plugin, reinstalls it on each save of a route or the UI, and keeps the old version serving after a broken save", async () => {
    const loop = startDevLoop(t.url);
    try {
      await vi.waitFor(() => expect(loop.output.out).toMatch(/serving notes 0\.1\.1-dev\.\d+/), {
        timeout: 90_000,
        interval: 100,
      });
      expect(await missingNoteMessage()).toBe("No note with id 999999");
      expect(t.plugin("notes")).toMatchObject({ state: "enabled", source: "package" });

      // The loop's access token stops working (here: `roa2web users revoke`, as an expiry
      // after 15 minutes does): the next install signs in again.
      const revoke = spawnSync(
        process.execPath,
        [path.join(REPO, "kernel/core/dist/main.js"), "users", "revoke", "demo"],
        { cwd: REPO, env: { ...process.env, DATA_DIR: t.dataDir }, encoding: "utf8" },
      );
      expect(revoke.status, revoke.stderr).toBe(0);
      const ended = token;
      await vi.waitFor(
        async () =>
          expect(
            (await fetch(`${t.url}/api/notes/1`, { headers: { authorization: `Bearer ${ended}` } }))
              .status,
          ).toBe(401),
        { timeout: 30_000, interval: 50 },
      );
      token = await t.login("demo", "demo");

      // A save as many editors make it (a new file renamed over the old one): the
      // route's answer changes in the running kernel.
      writeFileSync(
        `${errors}.tmp`,
        readFileSync(errors, "utf8").replace("No note with id", "Nothing filed under id"),
      );
      renameSync(`${errors}.tmp`, errors);
      await vi.waitFor(() => expect(count(loop.output.out, /serving notes/)).toBe(2), {
        timeout: 90_000,
        interval: 100,
      });
      expect(loop.output.out).toContain("changed: src/errors.ts");
      expect(loop.output.out).toMatch(/install [\d.]+ s; upgrade from 0\.1\.1-dev\.\d+\)/);
      expect(await missingNoteMessage()).toBe("Nothing filed under id 999999");

      // A save of the UI's texts: the server serves the new module, and the loop says
      // open pages load it (the shell follows /api/kernel/plugins/events).
      const messages = path.join(plugin, "src/ui/messages.ts");
      writeFileSync(
        messages,
        readFileSync(messages, "utf8").replace("Notițe scurte", "Notițe foarte scurte"),
      );
      await vi.waitFor(() => expect(count(loop.output.out, /serving notes/)).toBe(3), {
        timeout: 90_000,
        interval: 100,
      });
      expect(loop.output.out).toContain("changed: src/ui/messages.ts");
      expect(loop.output.out).toContain(
        "the UI changed: pages of notes open in a browser load the new version",
      );
      const ui = await fetch(`${t.url}/plugins/notes/ui/notes-app.js`);
      expect(await ui.text()).toContain("Notițe foarte scurte");
      const serving = t.plugin("notes").manifest?.version;

      // A save in place that does not compile: printed, and the version before keeps serving.
      appendFileSync(errors, "\nexport const broken = ;\n");
      await vi.waitFor(() => expect(loop.output.err).toContain("build failed"), {
        timeout: 90_000,
        interval: 100,
      });
      expect(loop.output.err).toContain(`notes ${serving} keeps serving`);
      expect(count(loop.output.out, /serving notes/)).toBe(3);
      expect(await missingNoteMessage()).toBe("Nothing filed under id 999999");
      expect(t.plugin("notes").manifest?.version).toBe(serving);
    } finally {
      loop.stop();
    }
    expect(await loop.done).toBe(0);
    expect(loop.output.out).toMatch(/dev loop stopped; notes 0\.1\.1-dev\.\d+ stays installed/);
  }, 300_000);

  it("refuses a server in production before building anything", async () => {
    const production = await startTestKernel({
      listen: true,
      env: {
        ROA2WEB_ENV: "production",
        JWT_SECRET: "pPBMMe59fkt5CM9JOgkFBftTxS6rbXfxOyrMfY8veU4DVuGQvOKq13p23bFBCMPE",
        ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
        AUTH_CREATE_DEMO_USER: "false",
      },
    });
    try {
      await production.createUser({
        username: "demo",
        permissions: ["kernel:admin"],
        password: "demo-password-long",
      });
      const output = { out: "", err: "" };
      const code = await runPluginCommand(["dev", plugin, "--server", production.url], {
        out: (text) => {
          output.out += text;
        },
        err: (text) => {
          output.err += text;
        },
        env: { ROA2WEB_USER: "demo", ROA2WEB_PASSWORD: "demo-password-long" },
      });
      expect(code).toBe(65);
      expect(output.err).toContain(`${production.url} runs in production`);
      expect(output.out).not.toContain("changed:");
    } finally {
      await production.close();
    }
  });
});

describe("packPlugin with a version", () => {
  it("packs the build under that version, which the package opens with, and refuses one that is not semver", async () => {
    const outDir = path.join(work, "versioned");
    const { file, index } = await packPlugin(NOTES, { outDir, version: "0.1.1-dev.42" });
    expect(path.basename(file)).toBe("notes-0.1.1-dev.42.roa2web.tgz");
    expect(index.version).toBe("0.1.1-dev.42");
    const opened = await openPackage(file, { trustedKeys: [], requireSignature: false });
    try {
      expect(opened.manifest.version).toBe("0.1.1-dev.42");
    } finally {
      await opened.dispose();
    }
    await expect(packPlugin(NOTES, { outDir, version: "next" })).rejects.toThrow(
      '"next" is not a semver version',
    );
  });
});

describe("devVersion", () => {
  it("is newer than the version worked on, and than every build before", () => {
    expect(devVersion("1.2.3", 0, 1000).version).toBe("1.2.4-dev.1000");
    expect(devVersion("1.2.3", 1000, 1000)).toEqual({ version: "1.2.4-dev.1001", n: 1001 });
    expect(devVersion("2.0.0-rc.1", 0, 5).version).toBe("2.0.0-rc.1.dev.5");
  });
});
