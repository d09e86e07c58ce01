/**
 * packPlugin: the packed plugin runs in a kernel from the folder its package unpacks to
 * (which proves what is bundled and what the kernel provides), and native code is refused
 * unless the manifest declares it.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKernel } from "../testing/index.js";
import { writeArchive } from "./archive.js";
import { PackageError } from "./errors.js";
import { openPackage } from "./open-package.js";
import { packPlugin } from "./pack-plugin.js";

const NOTES = fileURLToPath(new URL("../../../../plugins/examples/notes", import.meta.url));
const KERNEL_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "pack-plugin-test-"));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

async function writeFiles(root: string, files: Record<string, string>): Promise<string> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

/**
 * A server where plugins are installed: a plugins folder beside a node_modules that holds
 * what the kernel provides (as a kernel installed from npm has), and nothing else.
 */
async function unpackForKernel(file: string, name: string): Promise<string> {
  const server = await mkdtemp(path.join(work, "server-"));
  await symlink(KERNEL_MODULES, path.join(server, "node_modules"), "junction");
  const opened = await openPackage(file, { trustedKeys: [], requireSignature: false });
  const folder = path.join(server, "plugins", name);
  await opened.extractTo(folder);
  return folder;
}

/** A plugin whose one route uses a CommonJS dependency the kernel does not have. */
function greeterPlugin(extra: { manifest?: object; files?: Record<string, string> } = {}) {
  return {
    "package.json": JSON.stringify({
      name: "@outside/plugin-greeter",
      version: "2.0.0",
      type: "module",
      dependencies: { "@roa2web/plugin-sdk": "^0.1.0", "tiny-greeting": "^1.0.0" },
      devDependencies: { vitest: "^4.0.0" },
      roa2web: {
        name: "greeter",
        entry: "dist/plugin.js",
        kernel: "^0.1.0",
        prefix: "/api/greeter",
        permissions: {},
        ...extra.manifest,
      },
    }),
    "dist/plugin.js": `import { definePlugin } from "@roa2web/plugin-sdk";
export default definePlugin({ routes: new URL("./routes", import.meta.url), start() { return {}; } });
`,
    "dist/routes/hello.js": `import { defineRoutes } from "@roa2web/plugin-sdk";
import { greet } from "tiny-greeting";
export default defineRoutes(async (app) => {
  app.get("/hello", { config: { access: "public" } }, async () => ({ text: greet("Ana") }));
});
`,
    "node_modules/tiny-greeting/package.json": JSON.stringify({
      name: "tiny-greeting",
      version: "1.4.2",
      main: "index.js",
    }),
    "node_modules/tiny-greeting/index.js": `const path = require("node:path");
exports.greet = (name) => "Salut, " + name + " (" + path.basename("/a/b.txt") + ")";
`,
    ...extra.files,
  };
}

describe("a packed plugin in a kernel", () => {
  it("the notes example loads from the unpacked folder and answers its routes", async () => {
    const { file, index } = await packPlugin(NOTES, { outDir: path.join(work, "out") });
    expect(path.basename(file)).toBe("notes-0.1.0.roa2web.tgz");
    expect(index.external).toEqual(["@roa2web/plugin-sdk", "typeorm"]);
    const packed = JSON.parse(
      await readFile(path.join(await unpackForKernel(file, "notes"), "package.json"), "utf8"),
    );
    expect(packed.devDependencies).toBeUndefined();
    expect(Object.keys(packed.dependencies)).toEqual(["@roa2web/plugin-sdk", "typeorm"]);
    expect(packed.dependencies["@roa2web/plugin-sdk"]).not.toMatch(/^workspace:/);

    const t = await startTestKernel({ plugins: [await unpackForKernel(file, "notes")] });
    try {
      const token = await t.login();
      const created = await t.inject({
        method: "POST",
        url: "/api/notes",
        token,
        payload: { company_id: 1, title: "Packed and signed" },
      });
      expect(created.statusCode).toBe(201);
      const list = await t.inject({ method: "GET", url: "/api/notes?company=1", token });
      expect(list.json()).toMatchObject({ total: 1, items: [{ title: "Packed and signed" }] });
    } finally {
      await t.close();
    }
  });

  it("keeps the names of bundled classes, which dependencies compare (node-fetch's AbortSignal check)", async () => {
    // As abort-controller and node-fetch 2 in telegraf: a class named like a global, and a
    // check of its constructor's name. Bundled without its name kept, telegraf's every
    // Bot API call failed ("Expected signal to be an instanceof AbortSignal").
    const files = {
      "dist/routes/hello.js": `import { defineRoutes } from "@roa2web/plugin-sdk";
import { isSignal, makeSignal } from "tiny-signal";
export default defineRoutes(async (app) => {
  // The global of the same name is used elsewhere in the bundle (telegraf does too).
  const signal = AbortSignal.abort();
  app.get("/hello", { config: { access: "public" } }, async () => ({ ok: isSignal(makeSignal()), native: signal.aborted }));
});
`,
      "node_modules/tiny-signal/package.json": JSON.stringify({
        name: "tiny-signal",
        version: "1.0.0",
        main: "index.js",
      }),
      "node_modules/tiny-signal/index.js": `class AbortSignal {}
exports.makeSignal = () => new AbortSignal();
exports.isSignal = (signal) => Object.getPrototypeOf(signal).constructor.name === "AbortSignal";
`,
    };
    const source = await writeFiles(path.join(work, "named"), greeterPlugin({ files }));
    const { file } = await packPlugin(source, { outDir: path.join(work, "out") });
    const t = await startTestKernel({ plugins: [await unpackForKernel(file, "greeter")] });
    try {
      const response = await t.inject({ method: "GET", url: "/api/greeter/hello" });
      expect(response.json()).toEqual({ ok: true, native: true });
    } finally {
      await t.close();
    }
  });

  it("carries a dependency the kernel does not have, bundled, and runs it", async () => {
    const source = await writeFiles(path.join(work, "greeter"), greeterPlugin());
    const lines: string[] = [];
    const { file, index } = await packPlugin(source, {
      outDir: path.join(work, "out"),
      log: (line) => lines.push(line),
    });
    expect(index.bundled).toEqual(["tiny-greeting@1.4.2"]);
    expect(index.external).toEqual(["@roa2web/plugin-sdk"]);
    expect(Object.keys(index.files).some((name) => name.startsWith("node_modules/"))).toBe(false);
    expect(lines[0]).toContain("with tiny-greeting@1.4.2");
    const t = await startTestKernel({ plugins: [await unpackForKernel(file, "greeter")] });
    try {
      const response = await t.inject({ method: "GET", url: "/api/greeter/hello" });
      expect(response.json()).toEqual({ text: "Salut, Ana (b.txt)" });
    } finally {
      await t.close();
    }
  });
});

describe("a dependency that reads its own files at run time", () => {
  it("ships as installed when roa2web.unbundled names it, two versions of a dependency included, and runs from there", async () => {
    const source = await writeFiles(
      path.join(work, "fonts"),
      greeterPlugin({
        manifest: { unbundled: ["font-data", "old-fonts"] },
        files: {
          "dist/routes/hello.js": `import { defineRoutes } from "@roa2web/plugin-sdk";
import { fontName } from "font-data";
import { oldFontName } from "old-fonts";
export default defineRoutes(async (app) => {
  app.get("/hello", { config: { access: "public" } }, async () => ({ font: fontName(), old: oldFontName() }));
});
`,
          "node_modules/font-data/package.json": JSON.stringify({
            name: "font-data",
            version: "2.37.0",
            main: "index.js",
            dependencies: { "tiny-greeting": "^1.0.0" },
          }),
          "node_modules/font-data/index.js": `const fs = require("node:fs");
const { greet } = require("tiny-greeting");
exports.fontName = () => fs.readFileSync(__dirname + "/fonts/name.txt", "utf8").trim() + " / " + greet("font");
`,
          "node_modules/font-data/fonts/name.txt": "DejaVu Sans Condensed\n",
          // Another shipped package needs another version of tiny-greeting: nested, as npm would.
          "node_modules/old-fonts/package.json": JSON.stringify({
            name: "old-fonts",
            version: "1.0.0",
            main: "index.js",
            dependencies: { "tiny-greeting": "^0.9.0" },
          }),
          "node_modules/old-fonts/index.js":
            'exports.oldFontName = () => require("tiny-greeting").greet("old");\n',
          "node_modules/old-fonts/node_modules/tiny-greeting/package.json": JSON.stringify({
            name: "tiny-greeting",
            version: "0.9.0",
            main: "index.js",
          }),
          "node_modules/old-fonts/node_modules/tiny-greeting/index.js":
            'exports.greet = (name) => "Hello, " + name;\n',
        },
      }),
    );
    const { file, index } = await packPlugin(source, { outDir: path.join(work, "out") });
    expect(index.unbundled).toEqual(["font-data", "old-fonts"]);
    expect(index.native).toEqual([]);
    expect(index.bundled).toEqual([]);
    expect(Object.keys(index.files)).toEqual(
      expect.arrayContaining([
        "node_modules/font-data/fonts/name.txt",
        "node_modules/tiny-greeting/index.js",
        "node_modules/old-fonts/node_modules/tiny-greeting/index.js",
      ]),
    );
    const t = await startTestKernel({ plugins: [await unpackForKernel(file, "greeter")] });
    try {
      const response = await t.inject({ method: "GET", url: "/api/greeter/hello" });
      expect(response.json()).toEqual({
        font: "DejaVu Sans Condensed / Salut, font (b.txt)",
        old: "Hello, old",
      });
    } finally {
      await t.close();
    }
  });
});

describe("native code", () => {
  const nativeDependency = {
    "dist/routes/hello.js": `import { defineRoutes } from "@roa2web/plugin-sdk";
import { speed } from "fast-native";
export default defineRoutes(async (app) => {
  app.get("/hello", { config: { access: "public" } }, async () => ({ speed: speed() }));
});
`,
    "node_modules/fast-native/package.json": JSON.stringify({
      name: "fast-native",
      version: "3.1.0",
      main: "index.js",
      gypfile: true,
      dependencies: { "node-gyp-build": "^4.0.0" },
    }),
    "node_modules/fast-native/binding.gyp": "{}",
    "node_modules/fast-native/index.js": 'exports.speed = () => require("node-gyp-build") && 42;\n',
    "node_modules/fast-native/build/Release/fast.node": "\u007fELF pretend addon",
    "node_modules/node-gyp-build/package.json": JSON.stringify({
      name: "node-gyp-build",
      version: "4.8.0",
      main: "index.js",
    }),
    "node_modules/node-gyp-build/index.js": "module.exports = () => true;\n",
  };

  it("a .node file in the build is refused", async () => {
    const source = await writeFiles(
      path.join(work, "loose-addon"),
      greeterPlugin({ files: { "dist/addon.node": "\u007fELF" } }),
    );
    await expect(packPlugin(source, { outDir: path.join(work, "out") })).rejects.toMatchObject({
      code: "PACKAGE_NATIVE_MODULE",
      message: expect.stringContaining("dist/addon.node is a native addon"),
    });
  });

  it("a dependency with native code is refused unless roa2web.native names it", async () => {
    const source = await writeFiles(
      path.join(work, "undeclared"),
      greeterPlugin({ files: nativeDependency }),
    );
    const error = await packPlugin(source, { outDir: path.join(work, "out") }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PackageError);
    expect(error).toMatchObject({
      code: "PACKAGE_NATIVE_MODULE",
      message: expect.stringContaining("the dependency fast-native has native code"),
    });
  });

  it("a prebuilt addon in a per-platform optional package is native too; a thank-you install script is not", async () => {
    const prebuilt = {
      "dist/routes/hello.js": `import { defineRoutes } from "@roa2web/plugin-sdk";
import { resize } from "fast-images";
import { greet } from "tiny-greeting";
export default defineRoutes(async (app) => {
  app.get("/hello", { config: { access: "public" } }, async () => ({ size: resize(), text: greet("x") }));
});
`,
      "node_modules/fast-images/package.json": JSON.stringify({
        name: "fast-images",
        version: "0.34.0",
        main: "index.js",
        scripts: { install: "node install/check.js" },
        optionalDependencies: { "@img/fast-images-linux-x64": "0.34.0" },
      }),
      "node_modules/fast-images/index.js":
        // As sharp does: the addon's package is named at run time, so no bundler sees it.
        'exports.resize = () => require("@img/fast-images-" + process.platform + "-" + process.arch + "/fast.node");\n',
      "node_modules/@img/fast-images-linux-x64/package.json": JSON.stringify({
        name: "@img/fast-images-linux-x64",
        version: "0.34.0",
      }),
      "node_modules/@img/fast-images-linux-x64/fast.node": "\u007fELF pretend addon",
      "node_modules/tiny-greeting/package.json": JSON.stringify({
        name: "tiny-greeting",
        version: "1.4.2",
        main: "index.js",
        scripts: { postinstall: "opencollective-postinstall || true" },
      }),
    };
    const source = await writeFiles(
      path.join(work, "prebuilt"),
      greeterPlugin({ files: prebuilt }),
    );
    await expect(packPlugin(source, { outDir: path.join(work, "out") })).rejects.toMatchObject({
      code: "PACKAGE_NATIVE_MODULE",
      message: expect.stringContaining("the dependency fast-images has native code"),
    });
    const declared = await writeFiles(
      path.join(work, "prebuilt-declared"),
      greeterPlugin({ manifest: { native: ["fast-images"] }, files: prebuilt }),
    );
    const { file, index } = await packPlugin(declared, { outDir: path.join(work, "out") });
    expect(index.bundled).toEqual(["tiny-greeting@1.4.2"]);
    expect(index.native).toEqual(["fast-images"]);
    // Inside the native module's folder (as sharp's @img/sharp-linux-x64), where node finds
    // it from fast-images and where a server allows native code when it opens the package.
    expect(Object.keys(index.files)).toContain(
      "node_modules/fast-images/node_modules/@img/fast-images-linux-x64/fast.node",
    );
    const opened = await openPackage(file, { trustedKeys: [], requireSignature: false });
    expect(opened.index.native).toEqual(["fast-images"]);
    await opened.dispose();
  });

  it("an optional dependency with native code of an unbundled package is left out and said, not refused", async () => {
    // As pdfjs-dist and its optional @napi-rs/canvas (a prebuilt addon per platform).
    const files = {
      "dist/routes/hello.js": `import { defineRoutes } from "@roa2web/plugin-sdk";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
export default defineRoutes(async (app) => {
  app.get("/hello", { config: { access: "public" } }, async () => ({ text: require("pdf-reader").read() }));
});
`,
      "node_modules/pdf-reader/package.json": JSON.stringify({
        name: "pdf-reader",
        version: "4.0.0",
        main: "index.js",
        optionalDependencies: { "fancy-canvas": "^0.1.0" },
      }),
      "node_modules/pdf-reader/index.js": `exports.read = () => {
  try { require("fancy-canvas"); return "with canvas"; } catch { return "text only"; }
};
`,
      "node_modules/fancy-canvas/package.json": JSON.stringify({
        name: "fancy-canvas",
        version: "0.1.9",
        main: "index.js",
        optionalDependencies: { "fancy-canvas-linux-x64": "0.1.9" },
      }),
      "node_modules/fancy-canvas/index.js":
        'module.exports = require("fancy-canvas-linux-x64/canvas.node");\n',
      "node_modules/fancy-canvas-linux-x64/package.json": JSON.stringify({
        name: "fancy-canvas-linux-x64",
        version: "0.1.9",
      }),
      "node_modules/fancy-canvas-linux-x64/canvas.node": "\u007fELF pretend addon",
    };
    const source = await writeFiles(
      path.join(work, "optional-native"),
      greeterPlugin({ manifest: { unbundled: ["pdf-reader"] }, files }),
    );
    const lines: string[] = [];
    const { file, index } = await packPlugin(source, {
      outDir: path.join(work, "out"),
      log: (line) => lines.push(line),
    });
    expect(index.native).toEqual([]);
    expect(index.unbundled).toEqual(["pdf-reader"]);
    const shipped = Object.keys(index.files);
    expect(shipped).toContain("node_modules/pdf-reader/index.js");
    expect(shipped.some((name) => name.includes("fancy-canvas"))).toBe(false);
    expect(lines.join("\n")).toContain(
      "left out fancy-canvas@0.1.9, an optional dependency of pdf-reader with native code",
    );
    // The plugin runs without it, as its dependency promises.
    const t = await startTestKernel({ plugins: [await unpackForKernel(file, "greeter")] });
    try {
      const answer = await t.inject({ method: "GET", url: "/api/greeter/hello" });
      expect(answer.json()).toEqual({ text: "text only" });
    } finally {
      await t.close();
    }
  });

  it("a declared native module ships as installed, with its dependencies, and the package opens", async () => {
    const source = await writeFiles(
      path.join(work, "declared"),
      greeterPlugin({ manifest: { native: ["fast-native"] }, files: nativeDependency }),
    );
    const { file, index } = await packPlugin(source, { outDir: path.join(work, "out") });
    expect(index.native).toEqual(["fast-native"]);
    expect(Object.keys(index.files)).toEqual(
      expect.arrayContaining([
        "node_modules/fast-native/build/Release/fast.node",
        "node_modules/fast-native/index.js",
        "node_modules/fast-native/node_modules/node-gyp-build/index.js",
      ]),
    );
    expect(index.platform).toEqual({
      os: process.platform,
      arch: process.arch,
      abi: process.versions.modules,
    });
    const opened = await openPackage(file, { trustedKeys: [], requireSignature: false });
    expect(opened.index.native).toEqual(["fast-native"]);

    // The same package as if packed on another machine: refused here, whatever else is right.
    const copy = await mkdtemp(path.join(work, "foreign-"));
    await opened.extractTo(path.join(copy, "package"));
    const indexFile = path.join(copy, "package", "roa2web-package.json");
    const foreign = { ...index, platform: { os: "aix", arch: "ppc64", abi: "1" } };
    await writeFile(indexFile, JSON.stringify(foreign));
    const foreignFile = path.join(work, "foreign.roa2web.tgz");
    await writeArchive(copy, Object.keys(index.files), false, foreignFile);
    await expect(
      openPackage(foreignFile, { trustedKeys: [], requireSignature: false }),
    ).rejects.toMatchObject({
      code: "PACKAGE_NATIVE_MODULE",
      message: expect.stringContaining("built for aix-ppc64, Node ABI 1"),
    });
  });
});
